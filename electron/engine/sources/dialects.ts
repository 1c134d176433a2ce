import type { Engine } from '../../../shared/schema-types.ts';
import type { ConnectionSpec } from './connection-url.ts';
import type { Dialect, PoolSettings, SourceConnection } from './dialect.ts';
import { mysqlDialect } from './mysql-pool.ts';
import { postgresDialect } from './postgres-pool.ts';
import { sqliteDialect } from './sqlite-pool.ts';

const DIALECTS: Record<Engine, Dialect> = { sqlite: sqliteDialect, mysql: mysqlDialect, postgres: postgresDialect };

export function dialectFor(engine: Engine): Dialect {
  return DIALECTS[engine];
}

/** Opens a pooled, read-only connection for a parsed URL. */
export function connectSource(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
  return dialectFor(spec.engine).connect(spec, settings);
}
