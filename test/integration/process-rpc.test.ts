import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { ProcessRpc } from '../../electron/engine/platform/process-rpc.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import type { RefreshRequest, RefreshResult } from '../../electron/engine/sources/source-refresher.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

const home = tempHome('process-rpc-');
afterAll(home.cleanup);
const sourcesDir = new URL('../../electron/engine/sources/', import.meta.url).href;

/** A refresh request for W200 (10,000 columns) against a catalog that knows the source. */
async function w200Request(): Promise<RefreshRequest> {
  const url = `sqlite:${workloadSqliteFile('w200')}`;
  const engine = createEngine({ home: home.dir, mode: 'web' });
  const { id } = engine.sources.add({ name: 'w200', url });
  await engine.close();
  return {
    catalogFile: CatalogStore.file(home.dir),
    sourceId: id,
    spec: parseConnectionUrl(url, process.cwd()),
    settings: resolvePoolSettings(),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a refresh in a child process of its own', () => {
  it('runs in a real process that is gone once it has answered, and starts again for the next call', async () => {
    const request = await w200Request();
    const rpc = new ProcessRpc('refresh-worker', sourcesDir, 'The schema refresh');
    try {
      const call = rpc.call<RefreshResult>({ ...request });
      const pid = rpc.pid!;
      expect(pid).not.toBe(process.pid);
      expect(alive(pid)).toBe(true);
      const result = await call;
      expect(result.snapshot.columnCount).toBe(10_000);
      expect(rpc.running).toBe(false);
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 20 });

      const again = rpc.call<RefreshResult>({ ...request });
      expect(rpc.pid).not.toBe(pid);
      expect((await again).snapshot.id).toBe(result.snapshot.id); // nothing changed: the same snapshot
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it('a cancelled refresh is rejected at once; its process winds down, then goes', async () => {
    const request = await w200Request();
    const rpc = new ProcessRpc('refresh-worker', sourcesDir, 'The schema refresh');
    try {
      const controller = new AbortController();
      const call = rpc.call<RefreshResult>({ ...request }, controller.signal);
      const pid = rpc.pid!;
      controller.abort();
      await expect(call).rejects.toMatchObject({ kind: 'cancelled' });
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 20_000, interval: 20 });
      expect(rpc.running).toBe(false);
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it('a process killed mid-refresh fails its call with a clear error, and the next call works', async () => {
    const request = await w200Request();
    const rpc = new ProcessRpc('refresh-worker', sourcesDir, 'The schema refresh');
    try {
      const call = rpc.call<RefreshResult>({ ...request });
      process.kill(rpc.pid!, 'SIGKILL');
      await expect(call).rejects.toMatchObject({
        kind: 'internal',
        message: expect.stringMatching(/The schema refresh stopped \(SIGKILL\)/),
      });
      expect(rpc.running).toBe(false);
      expect((await rpc.call<RefreshResult>({ ...request })).snapshot.columnCount).toBe(10_000);
    } finally {
      await rpc.close();
    }
  }, 60_000);
});
