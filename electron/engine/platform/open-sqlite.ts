import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * The one place that constructs better-sqlite3 databases. Inside the Electron app the main process points
 * SCHEMASCOPE_SQLITE_BINDING at a copy of the native module built for Electron's ABI, so that node_modules keeps
 * the Node build that the CLI and the tests use.
 */
export function openSqlite(file: string, options: Database.Options = {}): SqliteDatabase {
  const nativeBinding = process.env.SCHEMASCOPE_SQLITE_BINDING;
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
