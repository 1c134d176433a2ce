import type { CatalogStore, SnapshotDiff, SnapshotRecord } from '../catalog/catalog-store.ts';
import { ProcessRpc } from '../platform/process-rpc.ts';
import type { ConnectionSpec } from './connection-url.ts';
import type { PoolSettings } from './dialect.ts';
import { connectSource } from './dialects.ts';

export interface RefreshRequest {
  readonly catalogFile: string;
  readonly sourceId: string;
  /** With the password: the refresh process connects on its own (the request goes over its IPC channel only, never logged). */
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
 * Refreshes sources in a child process (`refresh-worker.ts`, its own catalog connection: WAL lets the main process
 * read meanwhile), which ends when the refresh does: a whole W10k schema passes through it (~0.5 GB), and a thread
 * would leave what SQLite and the drivers allocated in this process's allocator (~160 MB after reading a 10,000-table
 * SQLite file). The main process sends the source's connection spec (over the process's own channel) and receives only
 * the stored record and the diff. Cancelling aborts the introspection there.
 */
export class SourceRefresher {
  readonly #catalogFile: string;
  readonly #rpc = new ProcessRpc('refresh-worker', new URL('.', import.meta.url).href, 'The schema refresh');

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
    return this.#rpc.call({ ...request }, signal);
  }

  close(): Promise<void> {
    return this.#rpc.close();
  }
}
