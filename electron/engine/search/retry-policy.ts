import { ProviderError } from './embedding-provider.ts';

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

/**
 * What to do after a failed embedding request, decided from the error alone:
 * - `stop`: every request would fail the same way (a refused key): end the run;
 * - `retry`: try the same batch again after `waitMs` (`global`: the server said so for everyone, retry-after);
 * - `split`: the server refused the content, and the batch has several inputs: halve it to isolate the bad one;
 * - `fail`: give up on these inputs (recorded per item; the run goes on).
 */
export type RetryDecision =
  | { readonly action: 'stop'; readonly error: ProviderError }
  | { readonly action: 'retry'; readonly waitMs: number; readonly global: boolean; readonly error: ProviderError }
  | { readonly action: 'split'; readonly error: ProviderError }
  | { readonly action: 'fail'; readonly error: ProviderError };

export class RetryPolicy {
  readonly maxAttempts: number;
  readonly #random: () => number;

  constructor(maxAttempts: number, random: () => number = Math.random) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new TypeError(`maxAttempts must be a whole number >= 1, got ${maxAttempts}`);
    this.maxAttempts = maxAttempts;
    this.#random = random;
  }

  /** `attempt` is the attempt that just failed (1 for the first), `inputs` the batch's size. */
  decide(caught: unknown, attempt: number, inputs: number): RetryDecision {
    const error =
      caught instanceof ProviderError
        ? caught
        : new ProviderError('internal', caught instanceof Error ? caught.message : String(caught), { retryable: true });
    if (error.kind === 'auth') return { action: 'stop', error };
    if (error.retryable && attempt < this.maxAttempts) {
      return {
        action: 'retry',
        waitMs: error.retryAfterMs ?? this.backoff(attempt),
        global: error.kind === 'rate_limited',
        error,
      };
    }
    if (!error.retryable && inputs > 1) return { action: 'split', error };
    return { action: 'fail', error };
  }

  /** Jittered exponential backoff: retries of parallel batches do not arrive together. */
  backoff(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }
}
