import type { RateLimitHeaders } from './embedding-provider.ts';

export interface RateLimiterOptions {
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Injected for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const WINDOW_MS = 60_000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Requests-per-minute and tokens-per-minute over a sliding one-minute window, corrected by what the server says
 * (x-ratelimit-remaining-*), and a hard pause after a 429: no request leaves before its retry-after expires.
 */
export class RateLimiter {
  readonly #options: Required<RateLimiterOptions>;
  /** [time, tokens] of requests sent in the last minute (bounded by requestsPerMinute). */
  readonly #sent: [number, number][] = [];
  #pausedUntil = 0;
  #serverRemaining: { requests?: number; tokens?: number; resetAt: number } = { resetAt: 0 };
  #queue: Promise<void> = Promise.resolve();
  waitedMs = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.requestsPerMinute > 0) || !(options.tokensPerMinute > 0))
      throw new TypeError('requestsPerMinute and tokensPerMinute must be positive');
    this.#options = { now: () => Date.now(), sleep, ...options };
  }

  /** Resolves when a request of `tokens` may leave; calls are served in order. */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForRoom(tokens, signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429: nothing leaves before `untilMs` (epoch ms). */
  pauseUntil(untilMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, untilMs);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Adopts the server's view when it is stricter than ours. */
  observe(headers: RateLimitHeaders | undefined): void {
    if (!headers) return;
    const now = this.#options.now();
    const resetMs = Math.max(headers.resetRequestsMs ?? 0, headers.resetTokensMs ?? 0);
    this.#serverRemaining = {
      requests: headers.remainingRequests,
      tokens: headers.remainingTokens,
      resetAt: now + resetMs,
    };
  }

  async #waitForRoom(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#options.now();
      while (this.#sent.length > 0 && this.#sent[0]![0] <= now - WINDOW_MS) this.#sent.shift();
      let waitMs = this.#pausedUntil - now;
      const usedTokens = this.#sent.reduce((sum, [, used]) => sum + used, 0);
      if (this.#sent.length >= this.#options.requestsPerMinute)
        waitMs = Math.max(waitMs, this.#sent[0]![0] + WINDOW_MS - now);
      if (usedTokens + tokens > this.#options.tokensPerMinute && this.#sent.length > 0) {
        // Wait until enough old requests leave the window; a request larger than the whole minute's allowance waits
        // for the window to empty (it goes alone, as it would on an idle server), never at once into a full one.
        let freed = 0;
        let room = this.#sent.at(-1)![0] + WINDOW_MS - now;
        for (const [time, used] of this.#sent) {
          freed += used;
          if (usedTokens - freed + tokens <= this.#options.tokensPerMinute) {
            room = time + WINDOW_MS - now;
            break;
          }
        }
        waitMs = Math.max(waitMs, room);
      }
      const server = this.#serverRemaining;
      if (
        server.resetAt > now &&
        ((server.requests !== undefined && server.requests <= 0) ||
          (server.tokens !== undefined && server.tokens < tokens))
      ) {
        waitMs = Math.max(waitMs, server.resetAt - now);
      }
      if (waitMs <= 0) {
        this.#sent.push([now, tokens]);
        if (server.requests !== undefined) server.requests -= 1;
        if (server.tokens !== undefined) server.tokens -= tokens;
        return;
      }
      this.waitedMs += waitMs;
      await this.#options.sleep(waitMs, signal);
    }
  }
}

/** Parses OpenAI's reset durations: "1s", "6m0s", "250ms", "1h2m3.5s". */
export function parseResetDuration(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let total = 0;
  let matched = false;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    const number = Number(amount);
    total +=
      unit === 'ms' ? number : unit === 's' ? number * 1000 : unit === 'm' ? number * 60_000 : number * 3_600_000;
  }
  return matched ? total : undefined;
}

export function readRateLimitHeaders(get: (name: string) => string | null): RateLimitHeaders {
  const number = (name: string) => {
    const value = get(name);
    return value === null || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value);
  };
  return {
    limitRequests: number('x-ratelimit-limit-requests'),
    limitTokens: number('x-ratelimit-limit-tokens'),
    remainingRequests: number('x-ratelimit-remaining-requests'),
    remainingTokens: number('x-ratelimit-remaining-tokens'),
    resetRequestsMs: parseResetDuration(get('x-ratelimit-reset-requests')),
    resetTokensMs: parseResetDuration(get('x-ratelimit-reset-tokens')),
  };
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(get: (name: string) => string | null, now = Date.now()): number | undefined {
  const ms = get('retry-after-ms');
  if (ms && !Number.isNaN(Number(ms))) return Number(ms);
  const after = get('retry-after');
  if (!after) return undefined;
  if (!Number.isNaN(Number(after))) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
