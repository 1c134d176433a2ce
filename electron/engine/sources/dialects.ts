import type { Engine } from '../../../shared/schema-types.ts';
import type { ConnectionSpec } from './connection-url.ts';
import type { Dialect, PoolSettings, SourceConnection } from './dialect.ts';
import { PasswordScrubbingConnection, withoutSecret } from './secret-scrubbing.ts';

/** Each dialect's code (and its driver) is loaded when a source of that engine first connects. */
const DIALECTS: Readonly<Record<Engine, () => Promise<Dialect>>> = {
  sqlite: async () => (await import('./sqlite/sqlite-pool.ts')).sqliteDialect,
  mysql: async () => (await import('./mysql/mysql-pool.ts')).mysqlDialect,
  postgres: async () => (await import('./postgres/postgres-pool.ts')).postgresDialect,
};

export function dialectFor(engine: Engine): Promise<Dialect> {
  return DIALECTS[engine]();
}

/**
 * Opens a pooled, read-only connection for a parsed URL. Errors from connecting and from every later call have the
 * password scrubbed by value (secret-scrubbing.ts).
 */
export async function connectSource(spec: ConnectionSpec, settings: PoolSettings): Promise<SourceConnection> {
  let connection: SourceConnection;
  try {
    connection = await (await dialectFor(spec.engine)).connect(spec, settings);
  } catch (error) {
    throw withoutSecret(error, spec.password);
  }
  return spec.password ? new PasswordScrubbingConnection(connection, spec.password) : connection;
}
