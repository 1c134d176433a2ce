import mysql from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2';
import { AppError } from '../../../../shared/errors.ts';
import { BoundedGate } from '../../platform/bounded-gate.ts';
import type { ConnectionSpec } from '../connection-url.ts';
import type {
  Dialect,
  ExecuteOptions,
  ExecutedQuery,
  Introspection,
  PoolSettings,
  PoolStats,
  SourceConnection,
} from '../dialect.ts';
import { toSourceError } from '../driver-errors.ts';
import { introspectMysql } from './mysql-introspector.ts';
import { MysqlRowCursor, type ConnectionFate } from './mysql-row-cursor.ts';

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
    this.#gate = new BoundedGate({
      limit: settings.connectionLimit,
      queueLimit: settings.queueLimit,
      acquireTimeoutMs: settings.acquireTimeoutMs,
    });
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
    if (this.#running.has(options.queryId))
      throw new AppError('invalid_input', `A query with id ${options.queryId} is already running.`);
    return this.#gate.run(async () => {
      const started = performance.now();
      const connection = await this.#getConnection();
      const running: Running = { threadId: connection.threadId, cancelled: false };
      this.#running.set(options.queryId, running);
      const onAbort = (): void => void this.cancel(options.queryId);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let cursor: MysqlRowCursor | undefined;
      let broken = false;
      try {
        await this.#setTimeout(connection, options.timeoutMs);
        cursor = new MysqlRowCursor(
          connection,
          sql,
          {
            limit: options.limit,
            offset: options.offset ?? 0,
            stopStatement: () => this.#kill(running.threadId, 'QUERY'),
          },
          TYPE_NAMES,
        );
        return { ...(await cursor.rows), ms: performance.now() - started };
      } catch (error) {
        if (running.cancelled) throw new AppError('cancelled', 'The query was cancelled; the server stopped it.');
        const mapped = toSourceError('mysql', error, `running the query on ${this.#where()}`);
        broken = mapped.kind === 'unreachable';
        throw mapped;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.#running.delete(options.queryId);
        // The connection goes back whole, or is destroyed, only when the cursor is done with it (a stopped statement
        // drains first, bounded); a failure before the cursor started leaves it as it was.
        const fate = cursor ? cursor.fate : Promise.resolve<ConnectionFate>('release');
        void fate.then((decided) => (decided === 'release' && !broken ? connection.release() : connection.destroy()));
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
      const control = mysql.createConnection({
        ...this.#connectionOptions(),
        connectTimeout: this.#settings.connectTimeoutMs,
      });
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
    const internals = this.#pool as unknown as {
      _allConnections?: { length: number };
      _freeConnections?: { length: number };
    };
    const total = internals._allConnections?.length ?? gate.active;
    const idle = internals._freeConnections?.length ?? 0;
    return { ...gate, engine: 'mysql', idle, total };
  }

  async close(): Promise<void> {
    this.#control?.destroy();
    this.#control = undefined;
    await this.#pool
      .promise()
      .end()
      .catch(() => undefined);
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
      await pool
        .promise()
        .end()
        .catch(() => undefined);
      throw toSourceError('mysql', error, `connecting to ${spec.host}:${spec.port}`);
    }
  },
};
