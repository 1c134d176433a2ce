import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RpcCalls, type RpcResponse } from './rpc-calls.ts';
import type { RpcPort } from './worker-rpc.ts';
import { workerEntry } from './worker-entry.ts';

/**
 * Request/response calls to a child process that lives for the calls in hand only: it starts on a call and is ended
 * when none is left. For work whose memory a process should not keep: a thread's allocations stay in the process's
 * allocator after it ends (reading a 10,000-table SQLite file left ~160 MB behind), a process's go with it. The same
 * protocol as {@link WorkerRpc} (`serveRpc` on the other side, through {@link processPort}; calls kept by
 * {@link RpcCalls}), cancellation included: a cancelled call is rejected at once, and the process ends once its handler
 * has answered. Inside Electron `process.execPath` is the Electron binary: ELECTRON_RUN_AS_NODE makes it plain Node.
 */
export class ProcessRpc {
  readonly #name: string;
  readonly #sourceDirUrl: string;
  readonly #what: string;
  #child: ChildProcess | undefined;
  readonly #calls: RpcCalls<ChildProcess>;

  /** @param what how errors name the process ("The schema refresh"). */
  constructor(name: string, sourceDirUrl: string, what: string) {
    this.#name = name;
    this.#sourceDirUrl = sourceDirUrl;
    this.#what = what;
    this.#calls = new RpcCalls(what);
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
    return this.#calls.open<T>(
      () => this.#start(),
      (child, id) => child.send({ ...request, id }),
      (child, id) => child.send({ cancel: id }),
      signal,
    );
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
      this.#calls.answer(response);
      if (!this.#calls.busy(child)) this.#end(child);
    });
    const fail = (message: string) => {
      if (this.#child === child) this.#child = undefined;
      this.#calls.fail(child, message);
    };
    child.on('error', (error) => fail(`${this.#what} failed: ${error.message}`));
    child.on('exit', (code, signal) =>
      fail(`${this.#what} stopped (${signal ?? code}); the work in hand was not done.`),
    );
    this.#child = child;
    return child;
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
