import type { SnapshotDiff, SnapshotRecord } from '../../catalog/catalog-store.ts';
import { WorkerRpc } from '../../platform/worker-rpc.ts';

export interface SqliteRefreshRequest {
  readonly catalogFile: string;
  readonly sourceId: string;
  /** The SQLite source's file (absolute). */
  readonly file: string;
}

export interface RefreshResult {
  readonly snapshot: SnapshotRecord;
  readonly diff: SnapshotDiff;
  readonly stats: { readonly queries: number; readonly ms: number };
}

/**
 * Refreshes SQLite sources in a worker thread (`sqlite-refresh-worker.ts`, with its own catalog connection: WAL lets
 * the main thread read meanwhile): neither the introspection nor the save nor a copy of the snapshot ever occupies
 * the main thread, which only receives the stored record and the diff.
 */
export class SqliteRefresher {
  readonly #catalogFile: string;
  readonly #rpc = new WorkerRpc('sqlite-refresh-worker', new URL('.', import.meta.url).href, 'SQLite refresh');

  constructor(catalogFile: string) {
    this.#catalogFile = catalogFile;
  }

  refresh(sourceId: string, file: string): Promise<RefreshResult> {
    return this.#rpc.call({ catalogFile: this.#catalogFile, sourceId, file } satisfies SqliteRefreshRequest);
  }

  close(): Promise<void> {
    return this.#rpc.close();
  }
}
