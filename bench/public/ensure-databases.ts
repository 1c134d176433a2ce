import { fileURLToPath } from 'node:url';
import { DEFOG_DATABASES, datasetPaths, hashFiles, REPO_ROOT, type DatasetPaths } from './datasets.ts';
import { restoreDefogSpelling } from './defog-spelling.ts';
import { ensureMysql, type MysqlLoadNotes } from './load-mysql.ts';
import { ensurePostgres, type LoadNotes } from './load-postgres.ts';
import { ensureSqlite, SQLITE_FILE, type SqliteLoadNotes } from './load-sqlite.ts';
import { readPooledPostgres, type PooledTable } from './read-postgres.ts';

export type PublicEngine = 'postgres' | 'mysql' | 'sqlite';
export const PUBLIC_ENGINES: readonly PublicEngine[] = ['postgres', 'mysql', 'sqlite'];

/** The code that decides what is loaded: a change to it reloads, like a change to the data. */
const LOADER_FILES = ['datasets.ts', 'defog-sql.ts', 'defog-spelling.ts', 'spider-ddl.ts', 'type-map.ts', 'read-postgres.ts', 'load-postgres.ts', 'load-mysql.ts', 'load-sqlite.ts', 'ensure-databases.ts']
  .map((name) => fileURLToPath(new URL(name, import.meta.url)))
  .concat(`${REPO_ROOT}/electron/engine/sources/postgres-introspector.ts`);

export interface LoadedDatabases {
  readonly paths: DatasetPaths;
  /** Content hash of the datasets and the loader code: the marker each loaded database carries. */
  readonly hash: string;
  readonly postgres: { readonly notes: LoadNotes; readonly reused: boolean };
  readonly mysql?: { readonly notes: MysqlLoadNotes; readonly reused: boolean };
  readonly sqlite?: { readonly notes: SqliteLoadNotes; readonly reused: boolean; readonly file: string };
  readonly ms: number;
}

/**
 * Loads (or finds already loaded) the pooled public databases the engines need. PostgreSQL is always loaded: the
 * MariaDB and SQLite copies are made from it, reading it once for both, with the defog scripts' own identifier case.
 */
export async function ensureDatabases(engines: readonly PublicEngine[], log: (line: string) => void): Promise<LoadedDatabases> {
  const started = performance.now();
  const paths = datasetPaths();
  const hash = hashFiles([...DEFOG_DATABASES.flatMap((database) => [paths.defogSql(database), paths.defogMetadata(database)]), paths.spiderTables, ...LOADER_FILES]);
  const postgres = await ensurePostgres(paths, hash, log);
  let source: Promise<PooledTable[]> | undefined;
  const readSource = () => (source ??= readPooledPostgres().then((pooled) => restoreDefogSpelling(pooled, paths)));
  const mysql = engines.includes('mysql') ? await ensureMysql(hash, readSource, log) : undefined;
  const sqlite = engines.includes('sqlite') ? { ...(await ensureSqlite(hash, readSource, log)), file: SQLITE_FILE } : undefined;
  return { paths, hash, postgres, mysql, sqlite, ms: performance.now() - started };
}
