import type OpenAI from 'openai';
import { lazyModule } from '../platform/lazy-module.ts';

const openai = lazyModule<typeof import('openai')>('openai');
import { AppError } from '../../../shared/errors.ts';
import {
  ProviderError,
  type EmbeddingProvider,
  type EmbeddingResponse,
  type ProviderSettings,
} from './embedding-provider.ts';
import { readRateLimitHeaders, retryAfterMs } from './rate-limiter.ts';

const OFFICIAL_HOST = 'api.openai.com';

/**
 * OpenAI or any OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp) through the openai SDK. The SDK's own
 * retries are off: the indexer's limiter and retry loop own them, so retry-after is honoured exactly once.
 * Real OpenAI gets base64 (4x smaller responses); other servers get float arrays, which they all support.
 */
export class OpenAiEmbeddingProvider implements EmbeddingProvider {
  readonly id: string;
  readonly dimensions: number;
  readonly maxInputsPerRequest: number;
  readonly maxTokensPerRequest: number;
  readonly countsTokens = true;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #timeoutMs: number;
  readonly #sendDimensions: boolean;
  readonly #encoding: 'base64' | 'float';
  readonly #sdkRetries: number;

  /**
   * @param sdkRetries 0 for the indexer, whose own loop owns retries; a small number for one-off calls such as
   * embedding a search query, where a stale keep-alive connection should not fail the search.
   */
  constructor(settings: ProviderSettings, sdkRetries = 0) {
    this.#sdkRetries = sdkRetries;
    const baseURL = settings.baseUrl ?? 'https://api.openai.com/v1';
    let host: string;
    try {
      host = new URL(baseURL).host;
    } catch {
      throw new AppError('invalid_input', `The embedding base URL "${baseURL}" is not a URL.`);
    }
    this.#model = settings.model ?? 'text-embedding-3-small';
    this.#sendDimensions = settings.dimensions !== undefined && /^text-embedding-3/.test(this.#model);
    this.dimensions = settings.dimensions ?? (/large/.test(this.#model) ? 3072 : 1536);
    this.#timeoutMs = settings.timeoutMs ?? 30_000;
    this.maxInputsPerRequest = settings.maxInputsPerRequest ?? 2048;
    this.maxTokensPerRequest = settings.maxTokensPerRequest ?? 300_000;
    this.#encoding =
      settings.encoding && settings.encoding !== 'auto'
        ? settings.encoding
        : host === OFFICIAL_HOST
          ? 'base64'
          : 'float';
    this.id = `openai:${host}:${this.#model}:${this.dimensions}`;
    if (!settings.apiKey && host === OFFICIAL_HOST)
      throw new AppError('invalid_input', 'An API key is needed for api.openai.com (--api-key or OPENAI_API_KEY).');
    this.#client = new (openai().OpenAI)({
      apiKey: settings.apiKey || 'not-needed',
      baseURL,
      maxRetries: sdkRetries,
      timeout: this.#timeoutMs,
    });
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbeddingResponse> {
    let result;
    try {
      result = await this.#client.embeddings
        .create(
          {
            model: this.#model,
            input: [...texts],
            encoding_format: this.#encoding,
            ...(this.#sendDimensions ? { dimensions: this.dimensions } : {}),
          },
          { signal, timeout: this.#timeoutMs, maxRetries: this.#sdkRetries },
        )
        .withResponse();
    } catch (error) {
      throw toProviderError(error, signal);
    }
    const rateLimit = readRateLimitHeaders((name) => result.response.headers.get(name));
    const data = result.data.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new ProviderError(
        'internal',
        `The embedding server returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${texts.length} inputs.`,
        { retryable: true },
      );
    }
    const vectors: Float32Array[] = new Array(texts.length);
    for (const item of data) {
      const vector = decodeEmbedding(item.embedding as unknown);
      if (vector.length !== this.dimensions) {
        throw new ProviderError(
          'internal',
          `The embedding server returned a vector of ${vector.length} dimensions; ${this.dimensions} expected.`,
          { retryable: true },
        );
      }
      vectors[item.index] = vector;
    }
    if (vectors.some((vector) => vector === undefined))
      throw new ProviderError('internal', 'The embedding server skipped some inputs.', { retryable: true });
    return { vectors, rateLimit };
  }
}

/** Float arrays or base64 of little-endian float32, whichever the server sent (local servers ignore the request). */
export function decodeEmbedding(embedding: unknown): Float32Array {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4 !== 0)
      throw new ProviderError('internal', 'A base64 embedding is not a whole number of float32 values.', {
        retryable: true,
      });
    const copy = new Float32Array(bytes.length / 4);
    new Uint8Array(copy.buffer).set(bytes);
    return copy;
  }
  if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number'))
    return Float32Array.from(embedding as number[]);
  throw new ProviderError('internal', 'The embedding server returned a vector in an unknown format.', {
    retryable: true,
  });
}

function toProviderError(error: unknown, signal?: AbortSignal): ProviderError {
  if (signal?.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError')
      return new ProviderError('timeout', 'The embedding request timed out.', { retryable: true });
    return new ProviderError('cancelled', 'Embedding was cancelled.', { retryable: false });
  }
  if (error instanceof openai().APIError && error.status !== undefined) {
    const status = error.status;
    const get = (name: string) => error.headers?.get(name) ?? null;
    if (status === 429)
      return new ProviderError('rate_limited', `Rate limited by the embedding server: ${error.message}`, {
        retryable: true,
        retryAfterMs: retryAfterMs(get),
        status,
      });
    if (status === 401 || status === 403)
      return new ProviderError('auth', `The embedding server refused the API key (${status}).`, {
        retryable: false,
        status,
      });
    if (status >= 500 || status === 408 || status === 409)
      return new ProviderError('unreachable', `The embedding server failed (${status}): ${error.message}`, {
        retryable: true,
        retryAfterMs: retryAfterMs(get),
        status,
      });
    return new ProviderError(
      'invalid_input',
      `The embedding server refused the request (${status}): ${error.message}`,
      { retryable: false, status },
    );
  }
  if (error instanceof openai().APIConnectionTimeoutError)
    return new ProviderError('timeout', 'The embedding request timed out.', { retryable: true });
  if (error instanceof openai().APIConnectionError)
    return new ProviderError('unreachable', `Cannot reach the embedding server: ${error.message}`, { retryable: true });
  if (
    error instanceof SyntaxError ||
    (error instanceof Error && /JSON|Unexpected end|Unterminated/i.test(error.message))
  ) {
    return new ProviderError('internal', `The embedding server sent a malformed body: ${error.message}`, {
      retryable: true,
    });
  }
  return new ProviderError('internal', error instanceof Error ? error.message : String(error), { retryable: true });
}
