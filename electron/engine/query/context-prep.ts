import { Worker } from 'node:worker_threads';
import { AppError, type SerializedError } from '../../../shared/errors.ts';
import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import { workerEntry } from '../util/worker-entry.ts';
import type { LexicalIndexParts } from './lexical-index.ts';
import type { VectorIndexParts } from '../embeddings/vector-index.ts';

export interface VectorsRequest {
  readonly id: number;
  readonly embeddingsFile: string;
  readonly sourceId: string;
  readonly providerId: string;
  readonly budgetBytes: number;
}

export type VectorsResponse = { readonly id: number; readonly ok: true; readonly parts: VectorIndexParts | null } | { readonly id: number; readonly ok: false; readonly error: SerializedError };

export interface PrepareRequest {
  readonly id: number;
  readonly file: string;
  readonly snapshotId: number;
}

export type PrepareResponse =
  | { readonly id: number; readonly ok: true; readonly snapshot: SchemaSnapshot; readonly lexical: LexicalIndexParts }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * Reads a snapshot and builds its BM25 index in a worker thread (one, started on first use, idle workers never keep
 * the process alive). A crashed worker fails what it had in hand; the caller then prepares in place.
 */
export class ContextPrepWorker {
  readonly #file: string;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

  constructor(catalogFile: string) {
    this.#file = catalogFile;
  }

  prepare(snapshotId: number): Promise<{ snapshot: SchemaSnapshot; lexical: LexicalIndexParts }> {
    return this.#call((id) => ({ id, file: this.#file, snapshotId }) satisfies PrepareRequest);
  }

  /** Reads a source's vectors and builds the compact copy of its vector index (null when it has none). */
  loadVectors(embeddingsFile: string, sourceId: string, providerId: string, budgetBytes: number): Promise<VectorIndexParts | null> {
    return this.#call((id) => ({ id, embeddingsFile, sourceId, providerId, budgetBytes }) satisfies VectorsRequest);
  }

  #call<T>(request: (id: number) => PrepareRequest | VectorsRequest): Promise<T> {
    const worker = this.#start();
    const id = this.#nextId++;
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage(request(id));
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerEntry('context-prep-worker', new URL('.', import.meta.url).href));
    worker.unref();
    worker.on('message', (response: PrepareResponse | VectorsResponse) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (this.#pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(('parts' in response ? response.parts : { snapshot: response.snapshot, lexical: response.lexical }) as never);
      else pending.reject(new AppError(response.error.kind, response.error.message, response.error.detail));
    });
    const fail = (message: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new AppError('internal', message));
      }
    };
    worker.on('error', (error) => fail(`The context worker failed: ${error.message}`));
    worker.on('exit', (code) => fail(`The context worker stopped (${code}).`));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
