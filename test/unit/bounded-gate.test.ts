import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/**
 * Each promise of the gate on its own, with fake timers (performance.now included) so that waits and timeouts are
 * exact: the messages and option names of the refusals, the counters, and the cleanup after a waiter leaves.
 */
describe('BoundedGate, one promise at a time', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settings = { limit: 1, queueLimit: 1, acquireTimeoutMs: 1000 };

  it('names the option and the value it refuses, and accepts each minimum', () => {
    expect(() => new BoundedGate({ ...settings, limit: 0 })).toThrow(
      new TypeError('limit must be an integer >= 1, got 0'),
    );
    expect(() => new BoundedGate({ ...settings, limit: 2.5 })).toThrow(
      new TypeError('limit must be an integer >= 1, got 2.5'),
    );
    expect(() => new BoundedGate({ ...settings, queueLimit: -1 })).toThrow(
      new TypeError('queueLimit must be an integer >= 0, got -1'),
    );
    expect(() => new BoundedGate({ ...settings, queueLimit: Number.NaN })).toThrow(
      new TypeError('queueLimit must be an integer >= 0, got NaN'),
    );
    expect(() => new BoundedGate({ ...settings, acquireTimeoutMs: 0 })).toThrow(
      new TypeError('acquireTimeoutMs must be an integer >= 1, got 0'),
    );
    expect(() => new BoundedGate({ ...settings, acquireTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(
      new TypeError('acquireTimeoutMs must be an integer >= 1, got Infinity'),
    );
    expect(() => new BoundedGate({ ...settings, waitSamples: 0 })).toThrow(
      new TypeError('waitSamples must be an integer >= 1, got 0'),
    );
    // The minimums themselves are accepted: one holder, no queue, 1 ms, one sample.
    const smallest = new BoundedGate({ limit: 1, queueLimit: 0, acquireTimeoutMs: 1, waitSamples: 1 });
    expect(smallest.stats()).toEqual({
      limit: 1,
      active: 0,
      waiting: 0,
      queueLimit: 0,
      acquired: 0,
      rejected: 0,
      recentWaitsMs: [],
    });
  });

  it('keeps 512 wait samples unless told otherwise', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 0, acquireTimeoutMs: 1000 });
    for (let turn = 0; turn < 600; turn += 1) (await gate.acquire())();
    expect(gate.stats().acquired).toBe(600);
    expect(gate.stats().recentWaitsMs).toHaveLength(512);
  });

  it('refuses a signal aborted before the call without taking a slot', async () => {
    const gate = new BoundedGate(settings);
    await expect(gate.acquire(AbortSignal.abort())).rejects.toThrow(
      expect.objectContaining({ kind: 'cancelled', message: 'The query was cancelled before it started.' }),
    );
    expect(gate.stats()).toMatchObject({ active: 0, waiting: 0, acquired: 0, rejected: 0 });
  });

  it('refuses a caller beyond the queue at once, says why, and counts it', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 0, acquireTimeoutMs: 1000 });
    const release = await gate.acquire();
    expect(gate.stats()).toMatchObject({ active: 1, acquired: 1, recentWaitsMs: [0] });
    await expect(gate.acquire()).rejects.toThrow(
      expect.objectContaining({
        kind: 'pool_busy',
        message: 'Pool busy: 1 queries running and 0 waiting (queue limit 0). Try again shortly.',
      }),
    );
    expect(gate.stats()).toMatchObject({ active: 1, waiting: 0, rejected: 1, acquired: 1 });
    const queued = new BoundedGate({ limit: 1, queueLimit: 1, acquireTimeoutMs: 1000 });
    const held = await queued.acquire();
    const waiting = queued.acquire();
    await expect(queued.acquire()).rejects.toThrow(
      expect.objectContaining({
        message: 'Pool busy: 1 queries running and 1 waiting (queue limit 1). Try again shortly.',
      }),
    );
    expect(queued.stats()).toMatchObject({ waiting: 1, rejected: 1 });
    held();
    (await waiting)();
    release();
  });

  it('times a waiter out after exactly acquireTimeoutMs, counts it, and takes it out of the queue', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 2, acquireTimeoutMs: 1000 });
    const release = await gate.acquire();
    const first = gate.acquire();
    const outcome = first.then(
      () => 'served',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(gate.stats()).toMatchObject({ waiting: 1, rejected: 0 });
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toMatchObject({
      kind: 'pool_busy',
      message: 'Pool busy: no connection became free within 1000 ms.',
    });
    expect(gate.stats()).toMatchObject({ active: 1, waiting: 0, rejected: 1, acquired: 1 });
    // The slot goes to the next caller, not to the one that gave up.
    const second = gate.acquire();
    release();
    (await second)();
    expect(gate.stats()).toMatchObject({ active: 0, waiting: 0, rejected: 1, acquired: 2 });
  });

  it('records how long each waiter waited', async () => {
    await vi.advanceTimersByTimeAsync(5000); // performance.now() far from 0, so a sum instead of a difference shows
    const gate = new BoundedGate({ limit: 1, queueLimit: 2, acquireTimeoutMs: 10_000 });
    const release = await gate.acquire();
    const first = gate.acquire();
    await vi.advanceTimersByTimeAsync(250);
    const second = gate.acquire();
    await vi.advanceTimersByTimeAsync(100);
    release();
    const releaseFirst = await first;
    await vi.advanceTimersByTimeAsync(40);
    releaseFirst();
    (await second)();
    expect(gate.stats().recentWaitsMs).toEqual([0, 350, 140]);
    expect(gate.stats()).toMatchObject({ acquired: 3, active: 0 });
  });

  it('serves a waiter once: its timer and abort listener are gone, a later abort or timeout changes nothing', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 1, acquireTimeoutMs: 1000 });
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const release = await gate.acquire();
    const waiting = gate.acquire(controller.signal);
    expect(added).toHaveBeenCalledTimes(1);
    expect(added.mock.calls[0]![0]).toBe('abort');
    expect(added.mock.calls[0]![2]).toEqual({ once: true });
    release();
    const releaseWaiter = await waiting;
    expect(removed).toHaveBeenCalledWith('abort', added.mock.calls[0]![1]);
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    await vi.advanceTimersByTimeAsync(5000);
    expect(gate.stats()).toMatchObject({ active: 1, waiting: 0, rejected: 0, acquired: 2 });
    releaseWaiter();
    expect(gate.stats().active).toBe(0);
  });

  it('cancels a waiter: out of the queue, its timer cleared, not counted as rejected, the others keep their turn', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 3, acquireTimeoutMs: 1000 });
    const release = await gate.acquire();
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const cancelled = gate.acquire(controller.signal).catch((error: unknown) => error);
    const next = gate.acquire();
    const last = gate.acquire();
    expect(gate.stats().waiting).toBe(3);
    controller.abort();
    expect(await cancelled).toMatchObject({
      kind: 'cancelled',
      message: 'The query was cancelled while waiting for a connection.',
    });
    expect(removed).toHaveBeenCalledTimes(1);
    expect(gate.stats()).toMatchObject({ waiting: 2, rejected: 0 });
    expect(vi.getTimerCount()).toBe(2);
    // Past the timeout the cancelled waiter's timer does not fire: still nothing rejected.
    release();
    const releaseNext = await next;
    expect(vi.getTimerCount()).toBe(1);
    releaseNext();
    (await last)();
    await vi.advanceTimersByTimeAsync(5000);
    expect(gate.stats()).toMatchObject({ active: 0, waiting: 0, rejected: 0, acquired: 3 });
  });

  it('removes a timed-out waiter from the middle of the queue and its abort listener with it', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 3, acquireTimeoutMs: 1000 });
    const release = await gate.acquire();
    const early = gate.acquire();
    await vi.advanceTimersByTimeAsync(500);
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const late = gate.acquire(controller.signal).catch((error: unknown) => error);
    release();
    const releaseEarly = await early; // served at 500 ms, before its timeout
    await vi.advanceTimersByTimeAsync(1000);
    expect(await late).toMatchObject({ kind: 'pool_busy' });
    expect(removed).toHaveBeenCalledTimes(1);
    controller.abort(); // too late to matter
    expect(gate.stats()).toMatchObject({ active: 1, waiting: 0, rejected: 1, acquired: 2 });
    releaseEarly();
    expect(gate.stats().active).toBe(0);
  });

  it('a release called twice frees one slot only', async () => {
    const gate = new BoundedGate({ limit: 2, queueLimit: 1, acquireTimeoutMs: 1000 });
    const first = await gate.acquire();
    const second = await gate.acquire();
    const waiting = gate.acquire();
    first();
    first();
    const third = await waiting;
    expect(gate.stats()).toMatchObject({ active: 2, waiting: 0 });
    second();
    second();
    expect(gate.stats().active).toBe(1);
    third();
    expect(gate.stats().active).toBe(0);
  });

  it('run releases its slot when the task throws, and passes the signal on', async () => {
    const gate = new BoundedGate({ limit: 1, queueLimit: 1, acquireTimeoutMs: 1000 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.stats().active).toBe(0);
    await expect(gate.run(() => Promise.resolve(42))).resolves.toBe(42);
    await expect(gate.run(() => Promise.resolve(1), AbortSignal.abort())).rejects.toMatchObject({ kind: 'cancelled' });
    expect(gate.stats()).toMatchObject({ active: 0, acquired: 2 });
  });
});
