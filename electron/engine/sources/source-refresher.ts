import type { CatalogStore, SnapshotDiff, SnapshotRecord } from '../catalog/catalog-store.ts';
import { WorkerRpc } from '../platform/worker-rpc.ts';
import type { ConnectionSpec } from './connection-url.ts';
import type { PoolSettings } from './dialect.ts';
import { connectSource } from './dialects.ts';

export interface RefreshRequest {
  readonly catalogFile: string;
  readonly sourceId: string;
  /** With the password: the worker connects on its own (the request never leaves the process). */
  readonly spec: ConnectionSpec;
  readonly settings: PoolSettings;
}

export interface RefreshResult {
  readonly snapshot: SnapshotRecord;
  readonly diff: SnapshotDiff;
  readonly stats: { readonly queries: number; readonly ms: number };
}

/**
 * One refresh with a connection of its own: introspect, store the snapshot, close. Run in the refresh worker, so
 * that neither the driver's rows (500,000 columns at W10k), nor the snapshot built from them, nor the save occupy
 * the main thread; SQLite's synchronous driver would otherwise block it for the whole introspection.
 */
export async function refreshWithOwnConnection(
  catalog: CatalogStore,
  request: RefreshRequest,
  signal?: AbortSignal,
): Promise<RefreshResult> {
  const connection = await connectSource(request.spec, { ...request.settings, connectionLimit: 1 });
  try {
    const { snapshot, stats } = await connection.introspect(signal);
    const saved = catalog.saveSnapshot(request.sourceId, snapshot, stats);
    return { snapshot: saved.snapshot, diff: saved.diff, stats };
  } finally {
    await connection.close();
  }
}

/**
 * Refreshes sources in a worker thread (`refresh-worker.ts`, its own catalog connection: WAL lets the main thread
 * read meanwhile). The main thread sends the source's connection spec and receives only the stored record and the
 * diff. Cancelling aborts the introspection in the worker.
 */
export class SourceRefresher {
  readonly #catalogFile: string;
  readonly #rpc = new WorkerRpc('refresh-worker', new URL('.', import.meta.url).href, 'The schema refresh', {
    // Ended as soon as a refresh is done: its heap held a whole W10k schema (~0.5 GB), and refreshes are rare.
    endWhenIdleMs: 0,
  });

  constructor(catalogFile: string) {
    this.#catalogFile = catalogFile;
  }

  refresh(
    sourceId: string,
    spec: ConnectionSpec,
    settings: PoolSettings,
    signal?: AbortSignal,
  ): Promise<RefreshResult> {
    const request: RefreshRequest = { catalogFile: this.#catalogFile, sourceId, spec, settings };
    return this.#rpc.call({ ...request }, [], signal);
  }

  close(): Promise<void> {
    return this.#rpc.close();
  }
}
