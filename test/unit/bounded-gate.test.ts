import { describe, expect, it } from 'vitest';
import { BoundedGate } from '../../electron/engine/platform/bounded-gate.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BoundedGate', () => {
  it('refuses unbounded or nonsense settings', () => {
    expect(() => new BoundedGate({ limit: 0, queueLimit: 1, acquireTimeoutMs: 10 })).toThrow(TypeError);
    expect(() => new BoundedGate({ limit: 1, queueLimit: -1, acquireTimeoutMs: 10 })).toThrow(TypeError);
    expect(() => new BoundedGate({ limit: 1.5, queueLimit: 1, acquireTimeoutMs: 10 })).toThrow(/integer/);
  });

  it('never lets more than `limit` run and answers pool_busy beyond the queue', async () => {
    const gate = new BoundedGate({ limit: 2, queueLimit: 3, acquireTimeoutMs: 5_000 });
    let running = 0;
    let peak = 0;
    const task = () =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick(20);
        running -= 1;
        return 'done';
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, task));
    expect(peak).toBe(2);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(refused).toHaveLength(3);
    for (const result of refused) expect(result.reason).toMatchObject({ kind: 'pool_busy' });
    expect(gate.stats()).toMatchObject({ active: 0, waiting: 0, rejected: 3, acquired: 5 });
  });

  it('times out a waiter with pool_busy and lets the next one in', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 5, acquireTimeoutMs: 30 });
    const release = await gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({
      kind: 'pool_busy',
      message: expect.stringContaining('30 ms'),
    });
    release();
    const again = await gate.acquire();
    again();
    expect(gate.stats().active).toBe(0);
  });

  it('lets a waiter be cancelled', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 5, acquireTimeoutMs: 5_000 });
    const release = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'cancelled' });
    expect(gate.stats().waiting).toBe(0);
    release();
  });

  it('records acquire waits for percentiles, bounded', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 100, acquireTimeoutMs: 5_000, waitSamples: 4 });
    await Promise.all(Array.from({ length: 10 }, () => gate.run(() => tick(1))));
    const { recentWaitsMs } = gate.stats();
    expect(recentWaitsMs).toHaveLength(4);
    expect(Math.max(...recentWaitsMs)).toBeGreaterThan(0);
  });
});
