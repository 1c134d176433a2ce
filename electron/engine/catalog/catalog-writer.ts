import { Worker } from 'node:worker_threads';
import { AppError, type SerializedError } from '../../../shared/errors.ts';
import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import { workerEntry } from '../util/worker-entry.ts';
import type { CatalogStore, SnapshotDiff, SnapshotRecord } from './catalog-store.ts';

export interface CatalogWriteRequest {
  readonly id: number;
  readonly file: string;
  readonly sourceId: string;
  readonly snapshot: SchemaSnapshot;
  readonly stats: { queries: number; ms: number };
}

export type CatalogWriteResponse = { readonly id: number; readonly ok: true; readonly value: { snapshot: SnapshotRecord; diff: SnapshotDiff } } | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** Below this many columns a snapshot is saved in place: a worker round trip would cost more than it saves. */
const INLINE_COLUMNS = 2000;

/**
 * Saves schema snapshots in a worker thread with its own connection to the catalog (WAL: readers on the main thread
 * are never blocked by it), so that storing 100,000 columns (about a second) does not stall every other request.
 * Small snapshots are saved in place. One worker, started on first use; a crashed worker fails what it had in hand
 * with a clear error and is replaced by the next save.
 */
export class CatalogWriter {
  readonly #catalog: CatalogStore;
  readonly #file: string;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: { snapshot: SnapshotRecord; diff: SnapshotDiff }) => void; reject: (error: Error) => void }>();

  constructor(catalog: CatalogStore, file: string) {
    this.#catalog = catalog;
    this.#file = file;
  }

  async saveSnapshot(sourceId: string, snapshot: SchemaSnapshot, stats: { queries: number; ms: number }): Promise<{ snapshot: SnapshotRecord; diff: SnapshotDiff }> {
    const columns = snapshot.tables.reduce((sum, table) => sum + table.columns.length, 0);
    if (columns < INLINE_COLUMNS || this.#file === ':memory:') return this.#catalog.saveSnapshot(sourceId, snapshot, stats);
    const worker = this.#start();
    const id = this.#nextId++;
    worker.ref(); // a save in hand keeps the process alive (the CLI may have nothing else to wait for)
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, file: this.#file, sourceId, snapshot, stats } satisfies CatalogWriteRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerEntry('catalog-writer-worker', new URL('.', import.meta.url).href));
    worker.unref(); // an idle writer never keeps a process alive
    worker.on('message', (response: CatalogWriteResponse) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (this.#pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new AppError(response.error.kind, response.error.message, response.error.detail));
    });
    const fail = (message: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new AppError('internal', message));
      }
    };
    worker.on('error', (error) => fail(`The catalog writer failed: ${error.message}`));
    worker.on('exit', (code) => fail(`The catalog writer stopped (${code}); the snapshot was not saved.`));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
