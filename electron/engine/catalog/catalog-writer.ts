import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import { RARE_WORK_IDLE_END_MS, WorkerRpc } from '../platform/worker-rpc.ts';
import type { CatalogStore, SnapshotDiff, SnapshotRecord } from './catalog-store.ts';

export interface CatalogWriteRequest {
  readonly file: string;
  readonly sourceId: string;
  readonly snapshot: SchemaSnapshot;
  readonly stats: { queries: number; ms: number };
}

/** Below this many columns a snapshot is saved in place: a worker round trip would cost more than it saves. */
const INLINE_COLUMNS = 2000;

/**
 * Saves schema snapshots in a worker thread with its own connection to the catalog (WAL: readers on the main thread
 * are never blocked by it), so that storing 100,000 columns (about a second) does not stall every other request.
 * Small snapshots are saved in place.
 */
export class CatalogWriter {
  readonly #catalog: CatalogStore;
  readonly #file: string;
  readonly #rpc = new WorkerRpc('catalog-writer-worker', new URL('.', import.meta.url).href, 'The catalog writer', {
    endWhenIdleMs: RARE_WORK_IDLE_END_MS,
  });

  constructor(catalog: CatalogStore, file: string) {
    this.#catalog = catalog;
    this.#file = file;
  }

  async saveSnapshot(
    sourceId: string,
    snapshot: SchemaSnapshot,
    stats: { queries: number; ms: number },
  ): Promise<{ snapshot: SnapshotRecord; diff: SnapshotDiff }> {
    const columns = snapshot.tables.reduce((sum, table) => sum + table.columns.length, 0);
    if (columns < INLINE_COLUMNS || this.#file === ':memory:')
      return this.#catalog.saveSnapshot(sourceId, snapshot, stats);
    return this.#rpc.call({ file: this.#file, sourceId, snapshot, stats } satisfies CatalogWriteRequest);
  }

  close(): Promise<void> {
    return this.#rpc.close();
  }
}
