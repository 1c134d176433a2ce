import type { VectorIndexParts } from '../search/vector-index.ts';
import { RARE_WORK_IDLE_END_MS, WorkerRpc } from '../platform/worker-rpc.ts';
import type { PreparedParts } from '../search/prepared-store.ts';

export interface PrepareRequest {
  readonly kind: 'prepare';
  readonly file: string;
  /** The data folder: the worker stores what it prepared there (PreparedStore). */
  readonly home: string;
  readonly snapshotId: number;
}

export interface VectorsRequest {
  readonly kind: 'vectors';
  readonly embeddingsFile: string;
  readonly sourceId: string;
  readonly providerId: string;
  readonly budgetBytes: number;
}

/**
 * Reads and indexes large snapshots (retrieval) and loads vector indexes (search) in one worker thread. A failed call
 * rejects with a clear error; callers then do the work in place.
 */
export class ContextPrepWorker {
  readonly #file: string;
  readonly #rpc = new WorkerRpc('context-prep-worker', new URL('.', import.meta.url).href, 'The context worker', {
    endWhenIdleMs: RARE_WORK_IDLE_END_MS,
  });

  constructor(catalogFile: string) {
    this.#file = catalogFile;
  }

  /**
   * Reads the snapshot, builds its BM25 index and join graph and stores them for every process (PreparedStore): null
   * when they are stored (read them there), the parts themselves when they could not be.
   */
  prepare(snapshotId: number, home: string): Promise<PreparedParts | null> {
    return this.#rpc.call({ kind: 'prepare', file: this.#file, home, snapshotId } satisfies PrepareRequest);
  }

  /** Reads a source's vectors and builds the compact copy of its vector index (null when it has none). */
  loadVectors(
    embeddingsFile: string,
    sourceId: string,
    providerId: string,
    budgetBytes: number,
  ): Promise<VectorIndexParts | null> {
    return this.#rpc.call({
      kind: 'vectors',
      embeddingsFile,
      sourceId,
      providerId,
      budgetBytes,
    } satisfies VectorsRequest);
  }

  close(): Promise<void> {
    return this.#rpc.close();
  }
}
