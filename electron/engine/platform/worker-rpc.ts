import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { AppError, serializeError, type SerializedError } from '../../../shared/errors.ts';
import { workerEntry } from './worker-entry.ts';

/** What an RPC worker answers: the request's id with a value, or a serialized error. */
export type RpcResponse<T> =
  | { readonly id: number; readonly ok: true; readonly value: T }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * Request/response calls to one worker thread, matched by id. The worker starts on first use and never keeps the
 * process alive while idle (it is ref'd only while a call is in hand). A crashed worker fails the calls it had with a
 * clear error and is replaced on the next call. Used by the catalog writer, the refresh worker and the context worker.
 */
export class WorkerRpc {
  readonly #name: string;
  readonly #sourceDirUrl: string;
  readonly #what: string;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

  /** @param what how errors name the worker ("The catalog writer"). */
  constructor(name: string, sourceDirUrl: string, what: string) {
    this.#name = name;
    this.#sourceDirUrl = sourceDirUrl;
    this.#what = what;
  }

  /**
   * Sends one request. With a signal, aborting it rejects the call at once (`cancelled`) and tells the worker, whose
   * handler sees its own signal aborted; whatever the worker answers later is dropped.
   */
  call<T>(request: Record<string, unknown>, transfer: ArrayBuffer[] = [], signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AppError('cancelled', `${this.#what} was cancelled.`));
    const worker = this.#start();
    const id = this.#nextId++;
    worker.ref(); // a call in hand keeps the process alive (the CLI may have nothing else to wait for)
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        if (this.#pending.size === 0) worker.unref();
        worker.postMessage({ cancel: id });
        reject(new AppError('cancelled', `${this.#what} was cancelled.`));
      };
      const settle =
        <V>(finish: (value: V) => void) =>
        (value: V) => {
          signal?.removeEventListener('abort', onAbort);
          finish(value);
        };
      this.#pending.set(id, { resolve: settle(resolve as (value: never) => void), reject: settle(reject) });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerEntry(this.#name, this.#sourceDirUrl));
    worker.unref();
    worker.on('message', (response: RpcResponse<unknown>) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (this.#pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.value as never);
      else pending.reject(new AppError(response.error.kind, response.error.message, response.error.detail));
    });
    const fail = (message: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new AppError('internal', message));
      }
    };
    worker.on('error', (error) => fail(`${this.#what} failed: ${error.message}`));
    worker.on('exit', (code) => fail(`${this.#what} stopped (${code}); the work in hand was not done.`));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

type Handled = { value: unknown; transfer?: ArrayBuffer[] };

/**
 * The worker side: answers each request with `handle`'s value (and its transfer list) or its error, serialized. A
 * handler may be async; its signal is aborted when the caller cancels (`{ cancel: id }`).
 */
export function serveRpc<R>(
  port: MessagePort,
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
  port.on('message', (message: (R & { id: number }) | { cancel: number }) => {
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
