import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { WorkerRpc } from '../../electron/engine/platform/worker-rpc.ts';
import { PreparedStore } from '../../electron/engine/search/prepared-store.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome('idle-end-');
afterAll(home.cleanup);

/** A real worker thread (the context worker) asked for the vectors of a data folder that has none: it answers at once. */
function askForVectors(rpc: WorkerRpc): Promise<unknown> {
  return rpc.call({
    kind: 'vectors',
    embeddingsFile: path.join(home.dir, 'no-such-embeddings.db'),
    sourceId: 's',
    providerId: 'local:hash:512',
    budgetBytes: 1 << 20,
  });
}

describe('a worker for rare, large work ends when idle', () => {
  const contextWorkerDir = new URL('../../electron/engine/ask/', import.meta.url).href;

  it('ends after its idle time, starts again on the next call, and a call before the end keeps it', async () => {
    const rpc = new WorkerRpc('context-prep-worker', contextWorkerDir, 'The context worker', { endWhenIdleMs: 100 });
    try {
      expect(rpc.running).toBe(false);
      const first = askForVectors(rpc);
      expect(rpc.running).toBe(true);
      await expect(first).rejects.toThrow(/no-such-embeddings|unable to open|does not exist|not/i);
      expect(rpc.running).toBe(true); // idle, not ended yet
      await vi.waitFor(() => expect(rpc.running).toBe(false), { timeout: 5000, interval: 20 });

      // Started again: it answers as before.
      await expect(askForVectors(rpc)).rejects.toThrow();
      // Calls closer together than the idle time share one worker: it never ends between them.
      let ended = false;
      const watch = setInterval(() => (ended ||= !rpc.running), 5);
      for (let call = 0; call < 5; call += 1) {
        await expect(askForVectors(rpc)).rejects.toThrow();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      clearInterval(watch);
      expect(ended).toBe(false);
      await vi.waitFor(() => expect(rpc.running).toBe(false), { timeout: 5000, interval: 20 });
    } finally {
      await rpc.close();
    }
  }, 30_000);

  it('ended at once after each call, a worker exiting never fails the calls of the one that replaced it', async () => {
    const rpc = new WorkerRpc('context-prep-worker', contextWorkerDir, 'The context worker', { endWhenIdleMs: 0 });
    try {
      for (let call = 0; call < 12; call += 1) {
        const failure = (await askForVectors(rpc).catch((error: unknown) => error)) as Error;
        // The worker's own answer (no embeddings file), never "stopped ... the work in hand was not done".
        expect(failure.message).not.toMatch(/stopped|work in hand/);
        expect(failure.message).toMatch(/no-such-embeddings|unable to open|does not exist|not/i);
        if (call % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // now and then, mid-exit
      }
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it('a cancelled call is rejected at once, but its worker ends only after its handler has wound down', async () => {
    const engine = createEngine({ home: home.dir, mode: 'web' });
    const { id } = engine.sources.add({ name: 'w200', url: `sqlite:${workloadSqliteFile('w200')}` });
    const { record } = await engine.sources.refresh(id);
    await engine.close();
    const rpc = new WorkerRpc('context-prep-worker', contextWorkerDir, 'The context worker', { endWhenIdleMs: 0 });
    try {
      const controller = new AbortController();
      // Preparing 10,000 columns takes the worker a while; its handler does not stop midway.
      const call = rpc.call(
        { kind: 'prepare', file: CatalogStore.file(home.dir), home: home.dir, snapshotId: record.id },
        [],
        controller.signal,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await expect(call).rejects.toMatchObject({ kind: 'cancelled' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rpc.running).toBe(true); // still winding down: not ended under its handler's feet
      await vi.waitFor(() => expect(rpc.running).toBe(false), { timeout: 30_000, interval: 20 });
      // Its work was finished, not cut: the prepared file is there.
      expect(new PreparedStore(home.dir).has(record)).toBe(true);
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it('without an idle time it stays until closed', async () => {
    const rpc = new WorkerRpc('context-prep-worker', contextWorkerDir, 'The context worker');
    try {
      await expect(askForVectors(rpc)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rpc.running).toBe(true);
    } finally {
      await rpc.close();
    }
    expect(rpc.running).toBe(false);
  }, 30_000);
});
