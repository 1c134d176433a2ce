import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../../shared/errors.ts';
import { BoundedGate } from '../../platform/bounded-gate.ts';
import { openSqlite, type SqliteDatabase } from '../../platform/open-sqlite.ts';
import { workerEntry } from '../../platform/worker-entry.ts';
import type { ConnectionSpec } from '../connection-url.ts';
import type { Dialect, ExecuteOptions, ExecutedQuery, PoolSettings, PoolStats, SourceConnection } from '../dialect.ts';
import { introspectSqlite } from './sqlite-introspector.ts';
import type { SqliteQueryRequest, SqliteQueryResponse } from './sqlite-query-protocol.ts';

interface Running {
  readonly process: QueryProcess;
  readonly fail: (error: AppError) => void;
}

/** One query process: a child with an IPC channel, and a promise that settles when it has exited. */
interface QueryProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;
}

/**
 * SQLite "pool": one read-only connection on the main thread for fast catalog reads, and up to `connectionLimit`
 * query processes (better-sqlite3 is synchronous; a long query must never block the main process, and only a
 * process can be stopped in the middle of one SQLite step: see sqlite-query-process.ts). A process that finished its
 * query waits idle for the next one; a cancelled or timed-out query's process is killed, and its slot is given back
 * only once the process has exited, so the pool's stats never count a query as finished while it still burns CPU.
 */
class SqliteConnection implements SourceConnection {
  readonly engine = 'sqlite' as const;
  readonly #file: string;
  readonly #db: SqliteDatabase;
  readonly #gate: BoundedGate;
  readonly #settings: PoolSettings;
  readonly #idle: { process: QueryProcess; timer: NodeJS.Timeout }[] = [];
  readonly #running = new Map<string, Running>();
  #nextId = 1;
  #closed = false;

  constructor(file: string, db: SqliteDatabase, settings: PoolSettings) {
    this.#file = file;
    this.#db = db;
    this.#settings = settings;
    this.#gate = new BoundedGate({
      limit: settings.connectionLimit,
      queueLimit: settings.queueLimit,
      acquireTimeoutMs: settings.acquireTimeoutMs,
    });
  }

  async serverVersion(): Promise<string> {
    const row = this.#db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    return `SQLite ${row.v}`;
  }

  async introspect(): Promise<ReturnType<typeof introspectSqlite>> {
    this.#assertOpen();
    return introspectSqlite(this.#db, path.basename(this.#file));
  }

  async execute(sql: string, options: ExecuteOptions): Promise<ExecutedQuery> {
    this.#assertOpen();
    if (this.#running.has(options.queryId))
      throw new AppError('invalid_input', `A query with id ${options.queryId} is already running.`);
    return this.#gate.run(async () => {
      const started = performance.now();
      const queryProcess = this.#takeProcess();
      const { child } = queryProcess;
      const request: SqliteQueryRequest = {
        type: 'execute',
        id: this.#nextId++,
        file: this.#file,
        sql,
        limit: options.limit,
        offset: options.offset ?? 0,
      };
      const response = await new Promise<SqliteQueryResponse>((resolve, reject) => {
        let settled = false;
        const finish = (action: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          child.off('message', onMessage);
          child.off('exit', onExit);
          action();
        };
        // Stopped from outside: SIGKILL, then answer once the process is gone (a few ms), so that the slot and the
        // running entry are freed only when the work has really stopped.
        const fail = (error: AppError): void =>
          finish(() => {
            child.kill('SIGKILL');
            void queryProcess.exited.then(() => {
              this.#running.delete(options.queryId);
              reject(error);
            });
          });
        const onMessage = (message: SqliteQueryResponse): void => {
          if (message.type !== 'ready' && message.id === request.id) {
            finish(() => {
              this.#running.delete(options.queryId);
              this.#returnProcess(queryProcess);
              resolve(message);
            });
          }
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
          finish(() => {
            this.#running.delete(options.queryId);
            reject(
              new AppError(
                'internal',
                `The SQLite query process ended unexpectedly (${signal ?? `exit code ${code}`}).`,
              ),
            );
          });
        const onAbort = (): void => fail(new AppError('cancelled', 'The query was cancelled.'));
        const timer = setTimeout(
          () => fail(new AppError('timeout', `The query ran longer than ${options.timeoutMs} ms and was stopped.`)),
          options.timeoutMs,
        );
        child.on('message', onMessage);
        child.on('exit', onExit);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.#running.set(options.queryId, { process: queryProcess, fail });
        if (options.signal?.aborted) {
          onAbort();
          return;
        }
        // A running query keeps the event loop alive until its process has answered or exited (an idle one never
        // does): a CLI awaiting a timed-out query must still see the process's exit, and report it.
        child.ref();
        child.channel?.ref();
        void queryProcess.ready.then(() => {
          if (!settled) child.send(request);
        });
      });
      if (response.type === 'error')
        throw new AppError(response.error.kind, response.error.message, response.error.detail);
      if (response.type !== 'result')
        throw new AppError('internal', 'The SQLite query process sent an unexpected message.');
      return {
        columns: response.columns,
        rows: response.rows,
        truncated: response.truncated,
        ms: performance.now() - started,
      };
    }, options.signal);
  }

  async cancel(queryId: string): Promise<boolean> {
    const running = this.#running.get(queryId);
    if (!running) return false;
    running.fail(new AppError('cancelled', 'The query was cancelled.'));
    return true;
  }

  stats(): PoolStats {
    const gate = this.#gate.stats();
    return { ...gate, engine: 'sqlite', idle: this.#idle.length, total: this.#idle.length + this.#running.size };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const running of this.#running.values()) running.fail(new AppError('cancelled', 'The connection was closed.'));
    await Promise.all(
      this.#idle.splice(0).map(({ process: queryProcess, timer }) => {
        clearTimeout(timer);
        queryProcess.child.kill('SIGKILL');
        return queryProcess.exited;
      }),
    );
    this.#db.close();
  }

  #takeProcess(): QueryProcess {
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      clearTimeout(idle.timer);
      if (isAlive(idle.process.child)) return idle.process;
    }
    return startQueryProcess();
  }

  #returnProcess(queryProcess: QueryProcess): void {
    if (this.#closed || !isAlive(queryProcess.child)) {
      queryProcess.child.kill('SIGKILL');
      return;
    }
    queryProcess.child.unref();
    queryProcess.child.channel?.unref();
    const forget = (): void => {
      const index = this.#idle.findIndex((entry) => entry.process === queryProcess);
      if (index >= 0) clearTimeout(this.#idle.splice(index, 1)[0]!.timer);
    };
    const timer = setTimeout(() => {
      forget();
      queryProcess.child.kill('SIGKILL');
    }, this.#settings.idleTimeoutMs);
    timer.unref();
    this.#idle.push({ process: queryProcess, timer });
    // An idle process that dies (killed from outside, out of memory) leaves the idle list, and the stats, at once.
    void queryProcess.exited.then(forget);
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('invalid_input', 'This connection is closed.');
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Forks a query process. Inside Electron `process.execPath` is the Electron binary: ELECTRON_RUN_AS_NODE makes it
 * plain Node (with the Electron-ABI better-sqlite3 that SCHEMASCOPE_SQLITE_BINDING points at, inherited).
 */
function startQueryProcess(): QueryProcess {
  const entry = fileURLToPath(workerEntry('sqlite-query-process', new URL('.', import.meta.url).href));
  const child = fork(entry, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const exited = new Promise<void>((resolve) => {
    if (!isAlive(child)) resolve();
    else child.once('exit', () => resolve());
  });
  const ready = new Promise<void>((resolve) => {
    const onReady = (message: SqliteQueryResponse): void => {
      if (message.type !== 'ready') return;
      child.off('message', onReady);
      resolve();
    };
    child.on('message', onReady);
  });
  child.on('error', () => undefined); // a failed spawn shows as 'exit', which the query reports
  child.unref();
  child.channel?.unref();
  return { child, exited, ready };
}

export const sqliteDialect: Dialect = {
  engine: 'sqlite',
  async connect(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
    const file = spec.file!;
    return new SqliteConnection(file, openSqliteSource(file), settings);
  },
};

/** A SQLite source file opened read-only, or the error that says why it cannot be (missing, not a file, not SQLite). */
export function openSqliteSource(file: string): SqliteDatabase {
  if (!existsSync(file)) throw new AppError('not_found', `SQLite file not found: ${file}`);
  if (!statSync(file).isFile()) throw new AppError('invalid_input', `Not a file: ${file}`);
  let db: SqliteDatabase | undefined;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db?.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_input', `Cannot open ${file} as a SQLite database: ${message}`);
  }
}
