import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import { WorkerRpc } from '../platform/worker-rpc.ts';
import { ProviderError, type EmbeddingProvider, type EmbeddingResponse } from './embedding-provider.ts';
import { LocalEmbeddingProvider } from './local-provider.ts';

export interface LocalEmbedRequest {
  readonly kind: 'embed';
  readonly dimensions: number;
  readonly texts: readonly string[];
  /** Answer only the compact form (CompactProjection of this width), not the vectors. */
  readonly compactWidth?: number;
}

/** The compact form of a batch: `width` int8 values per text, and one scale per text. */
export interface CompactRows {
  readonly compact: Int8Array;
  readonly scales: Float32Array;
}

/** More workers than this gain nothing on a laptop and cost ~30 MB each. */
export const MAX_EMBED_WORKERS = 4;

/** Workers for this machine: one per core, at least 1, at most {@link MAX_EMBED_WORKERS}. */
export function embedWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_EMBED_WORKERS, cores));
}

/**
 * The built-in provider spread over worker threads: the same vectors (the same code embeds them, and the same id
 * keys them), computed on every core. A W10k index has 510,000 documents, ~30 s on one core. Batches go to the
 * worker with the fewest in hand; the indexer's concurrency should equal {@link size}.
 *
 * @example
 * const pool = new LocalEmbedPool({ dimensions: 512, workers: 2 });
 * const { vectors } = await pool.embed(['customer id', 'order total']);
 * await pool.close();
 */
export class LocalEmbedPool implements EmbeddingProvider {
  readonly dimensions: number;
  readonly id: string;
  readonly maxInputsPerRequest: number;
  readonly maxTokensPerRequest = 0;
  readonly countsTokens = false;
  readonly recomputable = true;
  readonly #workers: { rpc: WorkerRpc; inHand: number }[];

  constructor(options: { dimensions?: number; workers: number }) {
    if (!Number.isInteger(options.workers) || options.workers < 1 || options.workers > MAX_EMBED_WORKERS)
      throw new TypeError(`workers must be an integer from 1 to ${MAX_EMBED_WORKERS}, got ${options.workers}`);
    const local = new LocalEmbeddingProvider({ dimensions: options.dimensions }); // validates the dimensions
    this.dimensions = local.dimensions;
    this.id = local.id;
    this.maxInputsPerRequest = local.maxInputsPerRequest;
    this.#workers = Array.from({ length: options.workers }, () => ({
      rpc: new WorkerRpc('local-embed-worker', new URL('.', import.meta.url).href, 'The embedding worker'),
      inHand: 0,
    }));
  }

  get size(): number {
    return this.#workers.length;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbeddingResponse> {
    const { vectors: flat } = await this.#call<{ vectors: Float32Array }>(texts, undefined, signal);
    return {
      vectors: texts.map((_text, index) => flat.subarray(index * this.dimensions, (index + 1) * this.dimensions)),
    };
  }

  /**
   * Only the compact form of the texts' vectors ({@link CompactProjection} to `width`), computed in the worker: what
   * an index run of the built-in provider keeps, since it stores no full vectors.
   */
  embedCompact(texts: readonly string[], width: number, signal?: AbortSignal): Promise<CompactRows> {
    return this.#call<CompactRows>(texts, width, signal);
  }

  async #call<T>(texts: readonly string[], compactWidth: number | undefined, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const worker = this.#workers.reduce((best, candidate) => (candidate.inHand < best.inHand ? candidate : best));
    worker.inHand += 1;
    try {
      return await worker.rpc.call<T>({
        kind: 'embed',
        dimensions: this.dimensions,
        texts,
        compactWidth,
      } satisfies LocalEmbedRequest);
    } catch (error) {
      // A refused input is deterministic, not worth retrying: the indexer splits the batch to isolate it. A worker
      // that stopped (it is replaced on the next call) is worth a retry.
      const refused = error instanceof AppError && error.kind === 'invalid_input';
      throw new ProviderError(
        refused ? 'invalid_input' : 'internal',
        error instanceof Error ? error.message : String(error),
        { retryable: !refused },
      );
    } finally {
      worker.inHand -= 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.rpc.close()));
  }
}
