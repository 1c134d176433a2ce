import pg from 'pg';
import { POSTGRES } from '../../test/helpers/services.ts';
import { DEFOG_DATABASES, datasetPaths, hashFiles, type DatasetPaths } from './datasets.ts';
import { restoreDefogSpelling } from './defog-spelling.ts';
import { ensureMysql, type MysqlLoadNotes } from './load-mysql.ts';
import { ensurePostgres, type LoadNotes } from './load-postgres.ts';
import { ensureSqlite, SQLITE_FILE, type SqliteLoadNotes } from './load-sqlite.ts';
import { readPooledPostgres, type PooledTable } from './read-postgres.ts';

export type PublicEngine = 'postgres' | 'mysql' | 'sqlite';
export const PUBLIC_ENGINES: readonly PublicEngine[] = ['postgres', 'mysql', 'sqlite'];

/**
 * Version of what the loaders produce: bump it with any change to bench/public's loaders that changes the loaded
 * databases. A version rather than a hash of the loader files, because `sspub` is one database per server shared by
 * every checkout: two worktrees whose loaders differ only in comments or layout must not drop each other's load.
 */
const LOADER_VERSION = 'sspub-loader-3';
/** One loader at a time per server (other checkouts included): PostgreSQL advisory lock key. */
const LOAD_LOCK = 0x73737075; // "sspu"

export interface LoadedDatabases {
  readonly paths: DatasetPaths;
  /** Content hash of the datasets and the loader version: the marker each loaded database carries. */
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
export async function ensureDatabases(
  engines: readonly PublicEngine[],
  log: (line: string) => void,
): Promise<LoadedDatabases> {
  const started = performance.now();
  const paths = datasetPaths();
  const hash = hashFiles(
    [
      ...DEFOG_DATABASES.flatMap((database) => [paths.defogSql(database), paths.defogMetadata(database)]),
      paths.spiderTables,
    ],
    [LOADER_VERSION],
  );
  // Another process loading (or reading PostgreSQL for a copy) is waited for, never dropped under its feet.
  const lock = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await lock.connect();
  try {
    const { rows } = await lock.query('SELECT pg_try_advisory_lock($1) AS got', [LOAD_LOCK]);
    if (!(rows[0] as { got: boolean }).got) {
      log('another process is loading the public databases: waiting for it');
      await lock.query('SELECT pg_advisory_lock($1)', [LOAD_LOCK]);
    }
    const postgres = await ensurePostgres(paths, hash, log);
    let source: Promise<PooledTable[]> | undefined;
    const readSource = () => (source ??= readPooledPostgres().then((pooled) => restoreDefogSpelling(pooled, paths)));
    const mysql = engines.includes('mysql') ? await ensureMysql(hash, readSource, log) : undefined;
    const sqlite = engines.includes('sqlite')
      ? { ...(await ensureSqlite(hash, readSource, log)), file: SQLITE_FILE }
      : undefined;
    return { paths, hash, postgres, mysql, sqlite, ms: performance.now() - started };
  } finally {
    await lock.end(); // releases the session's advisory lock
  }
}
