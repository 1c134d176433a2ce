import { Worker } from 'node:worker_threads';
import { serializeError } from '../../../shared/errors.ts';
import { RpcCalls, type RpcResponse } from './rpc-calls.ts';
import { workerEntry } from './worker-entry.ts';

/**
 * How long a worker doing rare, large work (a catalog save, a preparation) waits idle before it ends: long enough for
 * a burst of calls to share it, short enough that its heap is not held beside the next large job.
 */
export const RARE_WORK_IDLE_END_MS = 2000;

/**
 * Request/response calls to one worker thread, matched by id ({@link RpcCalls}). The worker starts on first use and
 * never keeps the process alive while idle (it is ref'd only while a call is in hand). A crashed worker fails the
 * calls it had with a clear error and is replaced on the next call. Used by the catalog writer and the context worker.
 * A worker given `endWhenIdleMs` ends once it has had nothing to do for that long (a cancelled call's handler
 * included) and starts again on the next call: a worker that read a whole W10k schema keeps hundreds of MB of heap
 * (garbage an idle isolate never collects) otherwise, for work that comes back rarely.
 */
export class WorkerRpc {
  readonly #name: string;
  readonly #sourceDirUrl: string;
  readonly #what: string;
  #worker: Worker | undefined;
  readonly #calls: RpcCalls<Worker>;
  readonly #endWhenIdleMs: number | undefined;
  #idleTimer: NodeJS.Timeout | undefined;

  /** @param what how errors name the worker ("The catalog writer"). */
  constructor(name: string, sourceDirUrl: string, what: string, options: { endWhenIdleMs?: number } = {}) {
    this.#name = name;
    this.#sourceDirUrl = sourceDirUrl;
    this.#calls = new RpcCalls(what);
    this.#what = what;
    this.#endWhenIdleMs = options.endWhenIdleMs;
  }

  /** Whether a worker thread is running now (started and not ended). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Sends one request. With a signal, aborting it rejects the call at once (`cancelled`) and tells the worker, whose
   * handler sees its own signal aborted; whatever the worker answers later is dropped.
   */
  call<T>(request: Record<string, unknown>, transfer: ArrayBuffer[] = [], signal?: AbortSignal): Promise<T> {
    return this.#calls.open<T>(
      () => {
        const worker = this.#start();
        clearTimeout(this.#idleTimer);
        worker.ref(); // a call in hand keeps the process alive (the CLI may have nothing else to wait for)
        return worker;
      },
      (worker, id) => worker.postMessage({ ...request, id }, transfer),
      (worker, id) => worker.postMessage({ cancel: id }),
      signal,
      (worker) => this.#settled(worker),
    );
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerEntry(this.#name, this.#sourceDirUrl));
    worker.unref();
    worker.on('message', (response: RpcResponse<unknown>) => {
      this.#calls.answer(response);
      this.#settled(worker);
    });
    const fail = (message: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#calls.fail(worker, message);
    };
    worker.on('error', (error) => fail(`${this.#what} failed: ${error.message}`));
    worker.on('exit', (code) => fail(`${this.#what} stopped (${code}); the work in hand was not done.`));
    this.#worker = worker;
    return worker;
  }

  /**
   * A call was answered or cancelled. With none left to answer, the worker no longer keeps the process alive; once
   * nothing is winding down either, it ends after a while when so configured.
   */
  #settled(worker: Worker): void {
    if (this.#calls.inHand > 0) return;
    worker.unref();
    if (this.#endWhenIdleMs === undefined || this.#calls.busy()) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#worker !== worker || this.#calls.busy()) return;
      this.#worker = undefined;
      void worker.terminate();
    }, this.#endWhenIdleMs);
    this.#idleTimer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

type Handled = { value: unknown; transfer?: ArrayBuffer[] };

/** What `serveRpc` answers through: a worker's `parentPort`, or a child process's channel (`processPort`). */
export interface RpcPort {
  on(event: string, listener: (message: unknown) => void): unknown;
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/**
 * The worker side: answers each request with `handle`'s value (and its transfer list) or its error, serialized. A
 * handler may be async; its signal is aborted when the caller cancels (`{ cancel: id }`).
 */
export function serveRpc<R>(
  port: RpcPort,
  handle: (request: R, signal: AbortSignal) => Handled | Promise<Handled>,
): void {
  const running = new Map<number, AbortController>();
  const answer = (id: number, settled: () => Handled | Promise<Handled>) => {
    Promise.resolve()
      .then(settled)
      .then(
        ({ value, transfer }) =>
          port.postMessage({ id, ok: true, value } satisfies RpcResponse<unknown>, transfer ?? []),
        (error: unknown) =>
          port.postMessage({ id, ok: false, error: serializeError(error) } satisfies RpcResponse<unknown>),
      )
      .finally(() => running.delete(id));
  };
  port.on('message', (received: unknown) => {
    const message = received as (R & { id: number }) | { cancel: number };
    if ('cancel' in message) {
      running.get(message.cancel)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    let handled: Handled | Promise<Handled>;
    try {
      handled = handle(message, controller.signal);
    } catch (error) {
      handled = Promise.reject(error);
    }
    answer(message.id, () => handled);
  });
}
