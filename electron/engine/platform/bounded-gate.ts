import { AppError } from '../../../shared/errors.ts';

export interface BoundedGateOptions {
  /** How many holders at once (the pool's connection limit). */
  readonly limit: number;
  /** How many callers may wait; one more is refused at once with `pool_busy`. */
  readonly queueLimit: number;
  /** How long a caller may wait for a slot before `pool_busy`. */
  readonly acquireTimeoutMs: number;
  /** How many recent acquire waits to keep for percentiles. */
  readonly waitSamples?: number;
}

export interface GateStats {
  readonly limit: number;
  readonly active: number;
  readonly waiting: number;
  readonly queueLimit: number;
  readonly acquired: number;
  readonly rejected: number;
  /** Recent acquire waits in ms, oldest first (bounded). */
  readonly recentWaitsMs: readonly number[];
}

interface Waiter {
  readonly resolve: (release: () => void) => void;
  readonly reject: (error: unknown) => void;
  readonly enqueuedAt: number;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`${name} must be an integer >= ${min}, got ${value}`);
}

/**
 * A counting semaphore with a bounded queue and an acquire timeout: the database never sees more than `limit`
 * concurrent queries, and callers beyond `queueLimit` get a clear "pool busy" error instead of waiting forever.
 *
 * @example
 * const gate = new BoundedGate({ limit: 10, queueLimit: 100, acquireTimeoutMs: 5000 });
 * const release = await gate.acquire();
 * try { await runQuery(); } finally { release(); }
 */
export class BoundedGate {
  readonly #options: Required<BoundedGateOptions>;
  readonly #queue: Waiter[] = [];
  readonly #waits: number[] = [];
  #active = 0;
  #acquired = 0;
  #rejected = 0;

  constructor(options: BoundedGateOptions) {
    checkCount('limit', options.limit, 1);
    checkCount('queueLimit', options.queueLimit, 0);
    checkCount('acquireTimeoutMs', options.acquireTimeoutMs, 1);
    this.#options = { waitSamples: 512, ...options };
    checkCount('waitSamples', this.#options.waitSamples, 1);
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new AppError('cancelled', 'The query was cancelled before it started.'));
    if (this.#active < this.#options.limit) {
      this.#active += 1;
      this.#record(0);
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.#options.queueLimit) {
      this.#rejected += 1;
      return Promise.reject(
        new AppError(
          'pool_busy',
          `Pool busy: ${this.#options.limit} queries running and ${this.#queue.length} waiting (queue limit ${this.#options.queueLimit}). Try again shortly.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, enqueuedAt: performance.now(), signal };
      waiter.timer = setTimeout(() => {
        this.#remove(waiter);
        this.#rejected += 1;
        reject(
          new AppError(
            'pool_busy',
            `Pool busy: no connection became free within ${this.#options.acquireTimeoutMs} ms.`,
          ),
        );
      }, this.#options.acquireTimeoutMs);
      if (signal) {
        waiter.onAbort = () => {
          this.#remove(waiter);
          reject(new AppError('cancelled', 'The query was cancelled while waiting for a connection.'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
    });
  }

  /** Runs `task` holding a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  stats(): GateStats {
    return {
      limit: this.#options.limit,
      active: this.#active,
      waiting: this.#queue.length,
      queueLimit: this.#options.queueLimit,
      acquired: this.#acquired,
      rejected: this.#rejected,
      recentWaitsMs: [...this.#waits],
    };
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) {
        this.#settle(next);
        this.#record(performance.now() - next.enqueuedAt);
        next.resolve(this.#releaser());
      } else {
        this.#active -= 1;
      }
    };
  }

  #record(waitMs: number): void {
    this.#acquired += 1;
    this.#waits.push(waitMs);
    if (this.#waits.length > this.#options.waitSamples) this.#waits.shift();
  }

  #remove(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index >= 0) this.#queue.splice(index, 1);
    this.#settle(waiter);
  }

  #settle(waiter: Waiter): void {
    if (waiter.timer) clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
