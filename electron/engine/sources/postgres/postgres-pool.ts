import pg from 'pg';
import { AppError } from '../../../../shared/errors.ts';
import { BoundedGate } from '../../platform/bounded-gate.ts';
import { toCell } from '../cell-values.ts';
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
import { introspectPostgres } from './postgres-introspector.ts';

/** Date and time types stay as the server wrote them: no shift into the laptop's time zone. */
const RAW_TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266, 1186]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    RAW_TEXT_TYPES.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const CURSOR_FRIENDLY = /^\s*(\(\s*)*(select|with|values|table)\b/i;

interface Running {
  readonly pid: number;
  cancelled: boolean;
}

/**
 * PostgreSQL: a pg pool behind a bounded gate. Sessions start with `default_transaction_read_only=on`, queries run
 * in a READ ONLY transaction with `statement_timeout`, and rows come from a server-side cursor (FETCH limit + 1),
 * so the server never materialises more than the page asked for.
 */
class PostgresConnection implements SourceConnection {
  readonly engine = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #spec: ConnectionSpec;
  readonly #settings: PoolSettings;
  readonly #gate: BoundedGate;
  readonly #version: string;
  readonly #running = new Map<string, Running>();
  readonly #walls: PostgresWalls;

  constructor(pool: pg.Pool, spec: ConnectionSpec, settings: PoolSettings, version: string, walls: PostgresWalls) {
    this.#pool = pool;
    this.#walls = walls;
    this.#spec = spec;
    this.#settings = settings;
    this.#version = version;
    this.#gate = new BoundedGate({
      limit: settings.connectionLimit,
      queueLimit: settings.queueLimit,
      acquireTimeoutMs: settings.acquireTimeoutMs,
    });
  }

  async serverVersion(): Promise<string> {
    return this.#version;
  }

  async introspect(signal?: AbortSignal): Promise<Introspection> {
    return this.#gate.run(async () => {
      const client = await this.#connect();
      let broken = false;
      try {
        await client.query(`SET statement_timeout = ${Math.round(this.#settings.statementTimeoutMs)}`);
        const schemas = (this.#spec.options.schema ?? '')
          .split(',')
          .map((schema) => schema.trim())
          .filter(Boolean);
        return await introspectPostgres(
          async <T>(sql: string, params: readonly unknown[]) => {
            if (signal?.aborted) throw new AppError('cancelled', 'Introspection was cancelled.');
            const result = await client.query(sql, params as unknown[]);
            return result.rows as T[];
          },
          this.#spec.database ?? '',
          schemas,
        );
      } catch (error) {
        const mapped = toSourceError('postgres', error, `introspecting ${this.#where()}`);
        broken = mapped.kind === 'unreachable';
        throw mapped;
      } finally {
        client.release(broken);
      }
    }, signal);
  }

  async execute(sql: string, options: ExecuteOptions): Promise<ExecutedQuery> {
    if (this.#running.has(options.queryId))
      throw new AppError('invalid_input', `A query with id ${options.queryId} is already running.`);
    return this.#gate.run(async () => {
      const started = performance.now();
      const client = await this.#connect();
      const running: Running = { pid: (client as unknown as { processID: number }).processID, cancelled: false };
      this.#running.set(options.queryId, running);
      const onAbort = (): void => void this.cancel(options.queryId);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let broken = false;
      let inTransaction = false;
      try {
        // One round trip: the transaction and its own timeout (SET LOCAL ends with the transaction).
        inTransaction = true;
        await client.query(
          `BEGIN TRANSACTION${this.#walls.transactionReadOnly ? ' READ ONLY' : ''}; SET LOCAL statement_timeout = ${Math.round(options.timeoutMs)}`,
        );
        const offset = options.offset ?? 0;
        let result: pg.QueryArrayResult;
        // The user's text goes through the extended protocol (Parse/Bind/Execute), which takes exactly one statement:
        // `SELECT 1; COMMIT; SET TRANSACTION READ WRITE; DELETE ...` is refused by the server itself, even if it got
        // past the guard. (The simple protocol would run every statement in turn, COMMIT included.)
        if (CURSOR_FRIENDLY.test(sql)) {
          await client.query(oneStatement(`DECLARE schemascope_cursor NO SCROLL CURSOR FOR ${sql}`));
          if (offset > 0) await client.query(`MOVE FORWARD ${offset} IN schemascope_cursor`);
          result = await client.query({
            text: `FETCH FORWARD ${options.limit + 1} FROM schemascope_cursor`,
            rowMode: 'array',
          });
        } else {
          // SHOW / EXPLAIN cannot sit in a cursor; they return few rows.
          const all = await client.query(oneStatement(sql));
          result = { ...all, rows: all.rows.slice(offset) };
        }
        await client.query('ROLLBACK');
        inTransaction = false;
        const truncated = result.rows.length > options.limit;
        const rows = (truncated ? result.rows.slice(0, options.limit) : result.rows).map((row) =>
          (row as unknown[]).map(toCell),
        );
        const columns = (result.fields ?? []).map((field) => ({ name: field.name, type: typeName(field.dataTypeID) }));
        return { columns, rows, truncated, ms: performance.now() - started };
      } catch (error) {
        if (inTransaction)
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        if (running.cancelled) throw new AppError('cancelled', 'The query was cancelled; the server stopped it.');
        const mapped = toSourceError('postgres', error, `running the query on ${this.#where()}`);
        if (mapped.kind === 'unreachable') broken = true;
        throw mapped;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.#running.delete(options.queryId);
        client.release(broken);
      }
    }, options.signal);
  }

  async cancel(queryId: string): Promise<boolean> {
    const running = this.#running.get(queryId);
    if (!running) return false;
    running.cancelled = true;
    const canceller = new pg.Client({ ...clientConfig(this.#spec, this.#settings) });
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [running.pid]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
    return true;
  }

  stats(): PoolStats {
    const gate = this.#gate.stats();
    return { ...gate, engine: 'postgres', idle: this.#pool.idleCount, total: this.#pool.totalCount };
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }

  #where(): string {
    return `${this.#spec.host}:${this.#spec.port}`;
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.#pool.connect();
      // A checked-out client whose server goes away (restart, sleep) emits 'error' outside any query; the pool only
      // listens while the client is idle. One listener per client, kept for its life: the query itself fails clearly.
      if (!LISTENING.has(client)) {
        LISTENING.add(client);
        client.on('error', () => undefined);
      }
      return client;
    } catch (error) {
      throw toSourceError('postgres', error, `connecting to ${this.#where()}`);
    }
  }
}

/**
 * A query sent with the extended protocol, which the server accepts for one statement only ("cannot insert multiple
 * commands into a prepared statement"). pg supports `queryMode` since 8.12; its type definitions do not list it yet.
 */
function oneStatement(text: string): pg.QueryArrayConfig {
  const config: pg.QueryArrayConfig & { readonly queryMode: 'extended' } = {
    text,
    rowMode: 'array',
    queryMode: 'extended',
  };
  return config;
}

const LISTENING = new WeakSet<pg.PoolClient>();

const TYPE_NAMES = new Map<number, string>(
  Object.entries(pg.types.builtins as Record<string, number>).map(([name, oid]) => [oid, name.toLowerCase()]),
);

function typeName(oid: number): string {
  return TYPE_NAMES.get(oid) ?? `oid:${oid}`;
}

function clientConfig(spec: ConnectionSpec, settings: PoolSettings): pg.ClientConfig {
  const ssl =
    spec.options.sslmode && spec.options.sslmode !== 'disable'
      ? { rejectUnauthorized: spec.options.sslmode === 'verify-full' }
      : undefined;
  return {
    host: spec.host,
    port: spec.port,
    user: spec.user ?? 'postgres',
    password: spec.password,
    database: spec.database,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: settings.keepAliveMs,
    application_name: 'schemascope',
    ssl,
    types,
  };
}

/**
 * The two read-only settings, each a wall of its own: the session default (`default_transaction_read_only`, set at
 * login) and the mode of the transaction every query runs in. The app always raises both; tests lower one at a time
 * to show that the other holds alone.
 */
export interface PostgresWalls {
  readonly sessionReadOnly: boolean;
  readonly transactionReadOnly: boolean;
}

/** A PostgreSQL dialect with the given walls. Use {@link postgresDialect}, which raises both. */
export function postgresDialectWith(walls: PostgresWalls): Dialect {
  return {
    engine: 'postgres',
    async connect(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
      const sessionDefault = walls.sessionReadOnly ? '-c default_transaction_read_only=on ' : '';
      const pool = new pg.Pool({
        ...clientConfig(spec, settings),
        max: settings.connectionLimit,
        idleTimeoutMillis: settings.idleTimeoutMs,
        options: `${sessionDefault}-c statement_timeout=${Math.round(settings.statementTimeoutMs)}`,
      });
      // An idle client can die (server restart, laptop sleep); without a listener that would crash the process.
      pool.on('error', () => undefined);
      try {
        const result = await pool.query<{ v: string }>('SELECT version() AS v');
        const version = result.rows[0]?.v.split(' on ')[0] ?? 'PostgreSQL';
        return new PostgresConnection(pool, spec, settings, version, walls);
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw toSourceError('postgres', error, `connecting to ${spec.host}:${spec.port}`);
      }
    },
  };
}

export const postgresDialect: Dialect = postgresDialectWith({ sessionReadOnly: true, transactionReadOnly: true });
