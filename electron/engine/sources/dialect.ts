import type { CellValue } from '../../../shared/ipc-contract.ts';
import type { Engine, IntrospectionStats, SchemaSnapshot } from '../../../shared/schema-types.ts';
import type { GateStats } from '../platform/bounded-gate.ts';
import type { ConnectionSpec } from './connection-url.ts';

/** Pool settings with defaults a laptop can live with; every dialect honours all of them. */
export interface PoolSettings {
  readonly connectionLimit: number;
  readonly queueLimit: number;
  readonly connectTimeoutMs: number;
  readonly acquireTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveMs: number;
  /** Server-side timeout for a query that names none. */
  readonly statementTimeoutMs: number;
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = Object.freeze({
  connectionLimit: 10,
  queueLimit: 100,
  connectTimeoutMs: 5_000,
  acquireTimeoutMs: 15_000,
  idleTimeoutMs: 60_000,
  keepAliveMs: 30_000,
  statementTimeoutMs: 30_000,
});

export interface ExecuteOptions {
  /** Rows to return at most; the cursor stops there and `truncated` says whether more existed. */
  readonly limit: number;
  /** Rows to skip first (paging beyond the limit, read from the same cursor). */
  readonly offset?: number;
  readonly timeoutMs: number;
  /** Identifies the query for {@link SourceConnection.cancel}. */
  readonly queryId: string;
  readonly signal?: AbortSignal;
}

export interface ExecutedQuery {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: CellValue[][];
  readonly truncated: boolean;
  readonly ms: number;
}

export interface Introspection {
  readonly snapshot: SchemaSnapshot;
  readonly stats: IntrospectionStats;
}

export interface PoolStats extends GateStats {
  readonly engine: Engine;
  /** Connections the driver holds open but idle. */
  readonly idle: number;
  readonly total: number;
}

/**
 * An open, pooled connection to one database. Created by a dialect's `connect`; every query passes the pool's
 * bounded gate, runs in a read-only session with a server-side timeout, and can be cancelled by id.
 * Callers outside `sources/` do not execute SQL here directly: they go through the query door (sql-door.ts).
 */
export interface SourceConnection {
  readonly engine: Engine;
  serverVersion(): Promise<string>;
  introspect(signal?: AbortSignal): Promise<Introspection>;
  execute(sql: string, options: ExecuteOptions): Promise<ExecutedQuery>;
  /** Stops a running query on the server. Resolves true when a query with that id was running. */
  cancel(queryId: string): Promise<boolean>;
  stats(): PoolStats;
  close(): Promise<void>;
}

export interface Dialect {
  readonly engine: Engine;
  connect(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection>;
}

export function resolvePoolSettings(overrides: Partial<PoolSettings> = {}): PoolSettings {
  const settings = { ...DEFAULT_POOL_SETTINGS, ...overrides };
  for (const [key, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < (key === 'queueLimit' ? 0 : 1)) {
      throw new TypeError(`Pool setting ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return settings;
}
