import { AppError } from '../../../shared/errors.ts';

/** What the indexer needs from an embedding service. Implementations: local (offline) and openai (any compatible URL). */
export interface EmbeddingProvider {
  /** `provider:model:dimensions`: part of every cache key, so vectors of different models never mix. */
  readonly id: string;
  readonly dimensions: number;
  /** Caps of one request; the batcher packs under both. Zero tokens means "no token cap" (local). */
  readonly maxInputsPerRequest: number;
  readonly maxTokensPerRequest: number;
  /** Whether inputs must be counted and truncated with tiktoken (remote models have token limits). */
  readonly countsTokens: boolean;
  /**
   * Deterministic, offline and cheap (the built-in provider): its vectors are not stored, but recomputed from the
   * items' texts when needed (the compact copy is built while embedding; a search re-scores ~100 candidates).
   */
  readonly recomputable?: boolean;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbeddingResponse>;
}

export interface EmbeddingResponse {
  readonly vectors: Float32Array[];
  /** Rate-limit state the server reported, if any (x-ratelimit-* headers). */
  readonly rateLimit?: RateLimitHeaders;
}

export interface RateLimitHeaders {
  readonly limitRequests?: number;
  readonly limitTokens?: number;
  readonly remainingRequests?: number;
  readonly remainingTokens?: number;
  readonly resetRequestsMs?: number;
  readonly resetTokensMs?: number;
}

export interface ProviderSettings {
  readonly provider: 'local' | 'openai';
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly model?: string;
  readonly dimensions?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
  readonly maxInputsPerRequest?: number;
  readonly maxTokensPerRequest?: number;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Wire format of vectors: base64 (what real OpenAI prefers) or float arrays (what every local server speaks). */
  readonly encoding?: 'auto' | 'base64' | 'float';
}

export function l2normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index += 1) sum += vector[index]! * vector[index]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < vector.length; index += 1) vector[index]! /= norm;
  return vector;
}

/** A failed embedding request, with whether retrying the same request can help (rate limits, 5xx) or not (refused input). */
export class ProviderError extends AppError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(
    kind: AppError['kind'],
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; status?: number },
  ) {
    super(kind, message);
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}
