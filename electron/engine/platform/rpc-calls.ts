import { AppError, type SerializedError } from '../../../shared/errors.ts';

/** What an RPC worker or process answers: the request's id with a value, or a serialized error. */
export type RpcResponse<T> =
  | { readonly id: number; readonly ok: true; readonly value: T }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

interface Call<C> {
  readonly channel: C;
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The calls in hand over request/response channels (worker threads, child processes), matched by id, each with the
 * channel it went to: a channel that ends or crashes fails its own calls only, never those of the one that replaced
 * it. A cancelled call is rejected at once; until its handler answers (the answer is dropped) it is winding down, and
 * its channel is still busy.
 */
export class RpcCalls<C> {
  readonly #what: string;
  #nextId = 1;
  readonly #pending = new Map<number, Call<C>>();
  readonly #draining = new Map<number, C>();

  /** @param what how errors name the other side ("The schema refresh"). */
  constructor(what: string) {
    this.#what = what;
  }

  /**
   * A call through the channel `start` gives (not started when `signal` is already aborted): `send(channel, id)` sends
   * it; aborting `signal` rejects it (`cancelled`), then `cancel(channel, id)` tells the other side and `onCancelled`
   * runs.
   */
  open<T>(
    start: () => C,
    send: (channel: C, id: number) => void,
    cancel: (channel: C, id: number) => void,
    signal?: AbortSignal,
    onCancelled?: (channel: C) => void,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(this.#cancelled());
    const channel = start();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        this.#draining.set(id, channel);
        cancel(channel, id);
        reject(this.#cancelled());
        onCancelled?.(channel);
      };
      const settle =
        <V>(finish: (value: V) => void) =>
        (value: V) => {
          signal?.removeEventListener('abort', onAbort);
          finish(value);
        };
      this.#pending.set(id, { channel, resolve: settle(resolve as (value: never) => void), reject: settle(reject) });
      signal?.addEventListener('abort', onAbort, { once: true });
      send(channel, id);
    });
  }

  /** An answer: settles its call, or drops the late answer of a cancelled one. */
  answer(response: RpcResponse<unknown>): void {
    if (this.#draining.delete(response.id)) return;
    const call = this.#pending.get(response.id);
    if (!call) return;
    this.#pending.delete(response.id);
    if (response.ok) call.resolve(response.value as never);
    else call.reject(new AppError(response.error.kind, response.error.message, response.error.detail));
  }

  /** `channel` ended or crashed: its calls in hand fail with `message`, its cancelled ones are forgotten. */
  fail(channel: C, message: string): void {
    for (const [id, call] of this.#pending) {
      if (call.channel !== channel) continue;
      this.#pending.delete(id);
      call.reject(new AppError('internal', message));
    }
    for (const [id, owner] of this.#draining) if (owner === channel) this.#draining.delete(id);
  }

  /** Calls waiting for an answer (on any channel). */
  get inHand(): number {
    return this.#pending.size;
  }

  /** Whether anything is in hand or winding down: on `channel`, or on any channel when none is given. */
  busy(channel?: C): boolean {
    for (const call of this.#pending.values()) if (channel === undefined || call.channel === channel) return true;
    for (const owner of this.#draining.values()) if (channel === undefined || owner === channel) return true;
    return false;
  }

  #cancelled(): AppError {
    return new AppError('cancelled', `${this.#what} was cancelled.`);
  }
}
