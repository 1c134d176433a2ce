import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../../shared/errors.ts';
import { BoundedGate } from '../../platform/bounded-gate.ts';
import { openSqlite, type SqliteDatabase } from '../../platform/open-sqlite.ts';
import { workerEntry } from '../../platform/worker-entry.ts';
import type { ConnectionSpec } from '../connection-url.ts';
import type { Dialect, ExecuteOptions, ExecutedQuery, PoolSettings, PoolStats, SourceConnection } from '../dialect.ts';
import { introspectSqlite } from './sqlite-introspector.ts';
import type { SqliteWorkerRequest, SqliteWorkerResponse } from './sqlite-query-protocol.ts';

interface Running {
  readonly worker: Worker;
  readonly fail: (error: AppError) => void;
}

/**
 * SQLite "pool": one read-only connection on the main thread for fast catalog reads, and up to `connectionLimit`
 * query workers (better-sqlite3 is synchronous; a long query must never block the main process).
 */
class SqliteConnection implements SourceConnection {
  readonly engine = 'sqlite' as const;
  readonly #file: string;
  readonly #db: SqliteDatabase;
  readonly #gate: BoundedGate;
  readonly #settings: PoolSettings;
  readonly #idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
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
    if (this.#running.has(options.queryId)) throw new AppError('invalid_input', `A query with id ${options.queryId} is already running.`);
    return this.#gate.run(async () => {
      const started = performance.now();
      const worker = this.#takeWorker();
      const request: SqliteWorkerRequest = {
        type: 'execute',
        id: this.#nextId++,
        file: this.#file,
        sql,
        limit: options.limit,
        offset: options.offset ?? 0,
      };
      const response = await new Promise<SqliteWorkerResponse>((resolve, reject) => {
        let settled = false;
        const finish = (action: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          worker.off('message', onMessage);
          worker.off('error', onError);
          this.#running.delete(options.queryId);
          action();
        };
        const fail = (error: AppError): void =>
          finish(() => {
            void worker.terminate(); // the only way to stop SQLite mid-statement from outside
            reject(error);
          });
        const onMessage = (message: SqliteWorkerResponse): void => {
          if (message.id === request.id) finish(() => { this.#returnWorker(worker); resolve(message); });
        };
        const onError = (error: Error): void => finish(() => reject(new AppError('internal', `SQLite worker failed: ${error.message}`)));
        const onAbort = (): void => fail(new AppError('cancelled', 'The query was cancelled.'));
        const timer = setTimeout(
          () => fail(new AppError('timeout', `The query ran longer than ${options.timeoutMs} ms and was stopped.`)),
          options.timeoutMs,
        );
        worker.on('message', onMessage);
        worker.on('error', onError);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.#running.set(options.queryId, { worker, fail });
        worker.postMessage(request);
      });
      if (response.type === 'error') throw new AppError(response.error.kind, response.error.message, response.error.detail);
      return { columns: response.columns, rows: response.rows, truncated: response.truncated, ms: performance.now() - started };
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
    await Promise.all(this.#idle.splice(0).map(({ worker, timer }) => { clearTimeout(timer); return worker.terminate(); }));
    this.#db.close();
  }

  #takeWorker(): Worker {
    const idle = this.#idle.pop();
    if (idle) {
      clearTimeout(idle.timer);
      return idle.worker;
    }
    const worker = new Worker(workerEntry('sqlite-query-worker', new URL('.', import.meta.url).href));
    worker.unref();
    return worker;
  }

  #returnWorker(worker: Worker): void {
    if (this.#closed) {
      void worker.terminate();
      return;
    }
    const timer = setTimeout(() => {
      const index = this.#idle.findIndex((entry) => entry.worker === worker);
      if (index >= 0) this.#idle.splice(index, 1);
      void worker.terminate();
    }, this.#settings.idleTimeoutMs);
    timer.unref();
    this.#idle.push({ worker, timer });
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('invalid_input', 'This connection is closed.');
  }
}

export const sqliteDialect: Dialect = {
  engine: 'sqlite',
  async connect(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
    const file = spec.file!;
    if (!existsSync(file)) throw new AppError('not_found', `SQLite file not found: ${file}`);
    if (!statSync(file).isFile()) throw new AppError('invalid_input', `Not a file: ${file}`);
    let db: SqliteDatabase;
    try {
      db = openSqlite(file, { readonly: true, fileMustExist: true });
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('invalid_input', `Cannot open ${file} as a SQLite database: ${message}`);
    }
    return new SqliteConnection(file, db, settings);
  },
};
