import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/errors.ts';
import type { RpcPort, RpcResponse } from './worker-rpc.ts';
import { workerEntry } from './worker-entry.ts';

interface Pending {
  readonly child: ChildProcess;
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Request/response calls to a child process that lives for the calls in hand only: it starts on a call and is ended
 * when none is left. For work whose memory a process should not keep: a thread's allocations stay in the process's
 * allocator after it ends (reading a 10,000-table SQLite file left ~160 MB behind), a process's go with it. The same
 * protocol as {@link WorkerRpc} (`serveRpc` on the other side, through {@link processPort}), cancellation included: a
 * cancelled call is rejected at once, and the process ends once its handler has answered. Inside Electron
 * `process.execPath` is the Electron binary: ELECTRON_RUN_AS_NODE makes it plain Node.
 */
export class ProcessRpc {
  readonly #name: string;
  readonly #sourceDirUrl: string;
  readonly #what: string;
  #child: ChildProcess | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Cancelled calls whose handler has not answered yet (the answer is dropped), with their process. */
  readonly #draining = new Map<number, ChildProcess>();

  /** @param what how errors name the process ("The schema refresh"). */
  constructor(name: string, sourceDirUrl: string, what: string) {
    this.#name = name;
    this.#sourceDirUrl = sourceDirUrl;
    this.#what = what;
  }

  /** Whether a child process is running now. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The running child's process id (diagnostics and tests). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  call<T>(request: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AppError('cancelled', `${this.#what} was cancelled.`));
    const child = this.#start();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        this.#draining.set(id, child);
        child.send({ cancel: id });
        reject(new AppError('cancelled', `${this.#what} was cancelled.`));
      };
      const settle =
        <V>(finish: (value: V) => void) =>
        (value: V) => {
          signal?.removeEventListener('abort', onAbort);
          finish(value);
        };
      this.#pending.set(id, { child, resolve: settle(resolve as (value: never) => void), reject: settle(reject) });
      signal?.addEventListener('abort', onAbort, { once: true });
      child.send({ ...request, id });
    });
  }

  #start(): ChildProcess {
    if (this.#child) return this.#child;
    const child = fork(fileURLToPath(workerEntry(this.#name, this.#sourceDirUrl)), [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.on('message', (response: RpcResponse<unknown>) => {
      if (!this.#draining.delete(response.id)) {
        const pending = this.#pending.get(response.id);
        if (!pending) return;
        this.#pending.delete(response.id);
        if (response.ok) pending.resolve(response.value as never);
        else pending.reject(new AppError(response.error.kind, response.error.message, response.error.detail));
      }
      if (!this.#busy(child)) this.#end(child);
    });
    const fail = (message: string) => {
      if (this.#child === child) this.#child = undefined;
      for (const [id, pending] of this.#pending) {
        if (pending.child !== child) continue;
        this.#pending.delete(id);
        pending.reject(new AppError('internal', message));
      }
      for (const [id, owner] of this.#draining) if (owner === child) this.#draining.delete(id);
    };
    child.on('error', (error) => fail(`${this.#what} failed: ${error.message}`));
    child.on('exit', (code, signal) =>
      fail(`${this.#what} stopped (${signal ?? code}); the work in hand was not done.`),
    );
    this.#child = child;
    return child;
  }

  #busy(child: ChildProcess): boolean {
    for (const entry of this.#pending.values()) if (entry.child === child) return true;
    for (const owner of this.#draining.values()) if (owner === child) return true;
    return false;
  }

  /** Nothing left for this process: it goes, and its memory with it. */
  #end(child: ChildProcess): void {
    if (this.#child === child) this.#child = undefined;
    child.disconnect();
  }

  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill();
    await exited;
  }
}

/**
 * The child's side of a {@link ProcessRpc}, for `serveRpc`: messages from and to the parent through the IPC channel.
 * The process ends when the parent lets it go (disconnects) or dies.
 */
export function processPort(): RpcPort {
  if (!process.send) throw new Error('Not a child process with an IPC channel.');
  process.once('disconnect', () => process.exit(0));
  return {
    on: (_event, listener) => void process.on('message', listener),
    postMessage: (message) => void process.send!(message),
  };
}
