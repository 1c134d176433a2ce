import mysql from 'mysql2';
import type { FieldPacket, Pool, PoolConnection } from 'mysql2';
import { AppError } from '../../../shared/errors.ts';
import { BoundedGate } from '../util/bounded-gate.ts';
import { toCell } from './cell-values.ts';
import type { ConnectionSpec } from './connection-url.ts';
import type { Dialect, ExecuteOptions, ExecutedQuery, Introspection, PoolSettings, PoolStats, SourceConnection } from './dialect.ts';
import { toSourceError } from './driver-errors.ts';
import { introspectMysql } from './mysql-introspector.ts';

const TYPE_NAMES = new Map<number, string>(Object.entries(mysql.Types).map(([name, code]) => [code as number, name]));

interface Running {
  readonly threadId: number;
  cancelled: boolean;
}

/**
 * MySQL/MariaDB: a mysql2 pool behind a bounded gate. Every session is read-only (`SET SESSION TRANSACTION READ
 * ONLY` on connect); every query gets a server-side timeout; rows stream and the stream stops at the limit.
 */
class MysqlConnection implements SourceConnection {
  readonly engine = 'mysql' as const;
  readonly #pool: Pool;
  readonly #spec: ConnectionSpec;
  readonly #settings: PoolSettings;
  readonly #gate: BoundedGate;
  readonly #version: string;
  readonly #running = new Map<string, Running>();

  constructor(pool: Pool, spec: ConnectionSpec, settings: PoolSettings, version: string) {
    this.#pool = pool;
    this.#spec = spec;
    this.#settings = settings;
    this.#version = version;
    this.#gate = new BoundedGate({ limit: settings.connectionLimit, queueLimit: settings.queueLimit, acquireTimeoutMs: settings.acquireTimeoutMs });
  }

  get #isMariaDb(): boolean {
    return /mariadb/i.test(this.#version);
  }

  async serverVersion(): Promise<string> {
    return this.#isMariaDb ? `MariaDB ${this.#version}` : `MySQL ${this.#version}`;
  }

  async introspect(signal?: AbortSignal): Promise<Introspection> {
    return this.#gate.run(async () => {
      const connection = await this.#getConnection();
      try {
        await this.#setTimeout(connection, this.#settings.statementTimeoutMs);
        return await introspectMysql(
          async <T>(sql: string, params: readonly unknown[]) => {
            if (signal?.aborted) throw new AppError('cancelled', 'Introspection was cancelled.');
            const [rows] = await connection.promise().query({ sql, values: params as unknown[] });
            return rows as T[];
          },
          this.#spec.database,
          this.#isMariaDb,
        );
      } catch (error) {
        throw toSourceError('mysql', error, `introspecting ${this.#where()}`);
      } finally {
        connection.release();
      }
    }, signal);
  }

  async execute(sql: string, options: ExecuteOptions): Promise<ExecutedQuery> {
    if (this.#running.has(options.queryId)) throw new AppError('invalid_input', `A query with id ${options.queryId} is already running.`);
    return this.#gate.run(async () => {
      const started = performance.now();
      const connection = await this.#getConnection();
      const running: Running = { threadId: connection.threadId, cancelled: false };
      this.#running.set(options.queryId, running);
      const onAbort = (): void => void this.cancel(options.queryId);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let reusable = true;
      let detach = () => {};
      let drained: Promise<void> | undefined;
      try {
        await this.#setTimeout(connection, options.timeoutMs);
        const result = await new Promise<Omit<ExecutedQuery, 'ms'>>((resolve, reject) => {
          let columns: { name: string; type: string }[] = [];
          const rows: ReturnType<typeof toCell>[][] = [];
          let skipped = 0;
          let done = false;
          const offset = options.offset ?? 0;
          const query = connection.query({ sql, rowsAsArray: true });
          query.on('fields', (fields: FieldPacket[]) => {
            columns = fields.map((field) => ({ name: field.name, type: TYPE_NAMES.get(field.columnType ?? -1) ?? 'UNKNOWN' }));
          });
          query.on('result', (row: unknown) => {
            if (done) return;
            if (!Array.isArray(row)) return; // an OK packet: a statement without rows
            if (skipped < offset) {
              skipped += 1;
              return;
            }
            if (rows.length === options.limit) {
              // Enough rows: stop reading. Destroying the socket makes the server abort the statement on its next
              // write, so a 1,000,000-row SELECT costs only the rows we asked for.
              // Enough rows: stop reading now (the server blocks once the socket buffers fill), answer the caller,
              // and have the server stop the statement with KILL QUERY. The few rows already in flight are then
              // drained and the connection goes back to the pool whole: destroying it instead left the server
              // busy with a dead socket and made the next queries several times slower (measured).
              done = true;
              connection.pause();
              drained = new Promise<void>((settle) => {
                query.once('end', () => settle());
                query.once('error', () => settle());
              });
              void this.#kill(running.threadId, 'QUERY').then(
                () => connection.resume(),
                () => {
                  reusable = false;
                  connection.resume();
                },
              );
              resolve({ columns, rows, truncated: true });
              return;
            }
            rows.push(row.map(toCell));
          });
          query.on('error', (error: Error) => {
            if (done) return;
            done = true;
            reject(error);
          });
          query.on('end', () => {
            if (done) return;
            done = true;
            resolve({ columns, rows, truncated: false });
          });
          // A server that shuts down or a network that drops can end the connection without a word to the query
          // (seen with MariaDB's shutdown): without these, the caller would wait forever.
          const socket = (connection as unknown as { stream?: NodeJS.EventEmitter }).stream;
          const lost = (error?: Error) => {
            if (done) return;
            done = true;
            reusable = false;
            const code = (error as { code?: string } | undefined)?.code;
            reject(Object.assign(new Error(`The connection to the server was lost${error ? `: ${error.message}` : ''}.`), { code: code ?? 'PROTOCOL_CONNECTION_LOST', fatal: true }));
          };
          const onEnd = () => lost();
          connection.on('error', lost);
          connection.on('end', onEnd);
          socket?.on('close', onEnd);
          detach = () => {
            connection.off('error', lost);
            connection.off('end', onEnd);
            socket?.off('close', onEnd);
          };
        });
        return { ...result, ms: performance.now() - started };
      } catch (error) {
        if (running.cancelled) throw new AppError('cancelled', 'The query was cancelled; the server stopped it.');
        const mapped = toSourceError('mysql', error, `running the query on ${this.#where()}`);
        if (mapped.kind === 'unreachable') reusable = false;
        throw mapped;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.#running.delete(options.queryId);
        const finish = () => {
          detach();
          if (reusable) connection.release();
          else connection.destroy();
        };
        if (!drained) finish();
        else {
          // Bounded: a drain that does not end soon costs the connection, never a leak.
          const timer = setTimeout(() => {
            reusable = false;
            finish();
          }, 5000);
          void drained.then(() => {
            clearTimeout(timer);
            finish();
          });
        }
      }
    }, options.signal);
  }

  async cancel(queryId: string): Promise<boolean> {
    const running = this.#running.get(queryId);
    if (!running) return false;
    running.cancelled = true;
    // KILL QUERY from a separate connection: the server stops the statement, the pooled connection survives.
    await this.#kill(running.threadId, 'QUERY');
    return true;
  }

  /**
   * KILL from a separate control connection, kept open (outside the pool and its limit) so that stopping a query
   * costs one round trip, not a new login. A broken control connection is replaced on the next kill.
   */
  async #kill(threadId: number, what: 'QUERY' | 'CONNECTION'): Promise<void> {
    if (!this.#control) {
      const control = mysql.createConnection({ ...this.#connectionOptions(), connectTimeout: this.#settings.connectTimeoutMs });
      control.on('error', () => {
        if (this.#control === control) this.#control = undefined;
      });
      this.#control = control;
    }
    const control = this.#control;
    try {
      await control.promise().query(`KILL ${what} ${Number(threadId)}`);
    } catch (error) {
      if (this.#control === control) this.#control = undefined;
      control.destroy();
      throw error;
    }
  }

  #control: mysql.Connection | undefined;

  stats(): PoolStats {
    const gate = this.#gate.stats();
    const internals = this.#pool as unknown as { _allConnections?: { length: number }; _freeConnections?: { length: number } };
    const total = internals._allConnections?.length ?? gate.active;
    const idle = internals._freeConnections?.length ?? 0;
    return { ...gate, engine: 'mysql', idle, total };
  }

  async close(): Promise<void> {
    this.#control?.destroy();
    this.#control = undefined;
    await this.#pool.promise().end().catch(() => undefined);
  }

  #connectionOptions(): mysql.ConnectionOptions {
    return connectionOptions(this.#spec);
  }

  #where(): string {
    return `${this.#spec.host}:${this.#spec.port}`;
  }

  /** The statement timeout each pooled connection has now: set again only when it changes (one round trip less). */
  readonly #timeouts = new WeakMap<object, number>();

  async #setTimeout(connection: PoolConnection, timeoutMs: number): Promise<void> {
    const session = (connection as unknown as { connection?: object }).connection ?? connection;
    if (this.#timeouts.get(session) === timeoutMs) return;
    this.#timeouts.delete(session);
    const sql = this.#isMariaDb
      ? `SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`
      : `SET SESSION max_execution_time = ${Math.round(timeoutMs)}`;
    await connection.promise().query(sql);
    this.#timeouts.set(session, timeoutMs);
  }

  #getConnection(): Promise<PoolConnection> {
    return new Promise((resolve, reject) => {
      this.#pool.getConnection((error, connection) => {
        if (error) reject(toSourceError('mysql', error, `connecting to ${this.#where()}`));
        else resolve(connection);
      });
    });
  }
}

function connectionOptions(spec: ConnectionSpec): mysql.ConnectionOptions {
  return {
    host: spec.host,
    port: spec.port,
    user: spec.user ?? 'root',
    password: spec.password,
    database: spec.database,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
    // mysql2 otherwise compiles a row parser per result shape with the column names in its source: a column named
    // `__proto__` or `__defineSetter__` breaks it and the whole result is lost. The static parser reads any name.
    disableEval: true,
  };
}

export const mysqlDialect: Dialect = {
  engine: 'mysql',
  async connect(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
    const pool = mysql.createPool({
      ...connectionOptions(spec),
      connectionLimit: settings.connectionLimit,
      maxIdle: settings.connectionLimit,
      idleTimeout: settings.idleTimeoutMs,
      queueLimit: 0, // the bounded gate in front of the pool owns queueing and "pool busy"
      waitForConnections: true,
      connectTimeout: settings.connectTimeoutMs,
      enableKeepAlive: true,
      keepAliveInitialDelay: settings.keepAliveMs,
    });
    pool.on('connection', (connection) => {
      // Queued before any query on this connection: every session is read-only from its first statement.
      connection.query('SET SESSION TRANSACTION READ ONLY');
    });
    try {
      const [rows] = await pool.promise().query('SELECT VERSION() AS v');
      const version = String((rows as { v: string }[])[0]?.v ?? '');
      return new MysqlConnection(pool, spec, settings, version);
    } catch (error) {
      await pool.promise().end().catch(() => undefined);
      throw toSourceError('mysql', error, `connecting to ${spec.host}:${spec.port}`);
    }
  },
};
