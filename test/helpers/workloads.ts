import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { writeMysqlDatabase, writePostgresDatabase } from '../workloads/server-writers.ts';
import { WORKLOAD_MARKER, workloadSchema, WORKLOADS, type WorkloadName } from '../workloads/workload-schema.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { MARIADB, POSTGRES } from './services.ts';

export const CACHE_DIR = path.resolve(fileURLToPath(new URL('../../.cache/workloads', import.meta.url)));

export function workloadDatabase(name: WorkloadName): string {
  return `ss_${name}`;
}

export function workloadSqliteFile(name: WorkloadName): string {
  return path.join(CACHE_DIR, `${name}.sqlite`);
}

function expectedColumns(name: WorkloadName): number {
  return WORKLOADS[name].tables * WORKLOADS[name].columns;
}

/**
 * Writes a workload into MariaDB, PostgreSQL and SQLite unless an identical one is already there (same table and
 * column counts): generating W1000 takes a while, checking takes milliseconds.
 */
export async function ensureWorkload(name: WorkloadName, log: (line: string) => void = () => undefined): Promise<void> {
  const model = workloadSchema(WORKLOADS[name].tables, WORKLOADS[name].columns);
  const database = workloadDatabase(name);
  mkdirSync(CACHE_DIR, { recursive: true });

  const file = workloadSqliteFile(name);
  let sqliteOk = false;
  if (existsSync(file)) {
    const db = openSqlite(file, { readonly: true });
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM sqlite_schema m JOIN pragma_table_info(m.name) WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'`,
      )
      .get() as { n: number };
    const marker = db
      .prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE sql LIKE ?`)
      .get(`%${WORKLOAD_MARKER}%`) as { n: number };
    db.close();
    sqliteOk = row.n === expectedColumns(name) && marker.n === 1;
  }
  if (!sqliteOk) {
    log(`writing ${name} into SQLite ${file}`);
    writeSqliteDatabase(model, file);
  }

  const connection = await mysql.createConnection({
    host: MARIADB.host,
    port: MARIADB.port,
    user: MARIADB.user,
    password: MARIADB.password,
  });
  try {
    const [rows] = await connection.query(
      'SELECT (SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?) AS n, (SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_COMMENT LIKE ?) AS marked',
      [database, database, `%${WORKLOAD_MARKER}%`],
    );
    const found = (rows as { n: number; marked: number }[])[0]!;
    if (Number(found.n) !== expectedColumns(name) || Number(found.marked) !== 1) {
      log(`writing ${name} into MariaDB ${database}`);
      await writeMysqlDatabase(model, MARIADB, database);
    }
  } finally {
    await connection.end();
  }

  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  let pgOk = false;
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 1) {
      const client = new pg.Client({ ...POSTGRES, database });
      await client.connect();
      const count = await client.query(
        `SELECT (SELECT count(*)::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped) AS n,
                (SELECT count(*)::int FROM pg_description d JOIN pg_class c ON c.oid = d.objoid WHERE d.objsubid = 0 AND d.description LIKE $1) AS marked`,
        [`%${WORKLOAD_MARKER}%`],
      );
      await client.end();
      pgOk = count.rows[0].n === expectedColumns(name) && count.rows[0].marked === 1;
    }
  } finally {
    await admin.end();
  }
  if (!pgOk) {
    log(`writing ${name} into PostgreSQL ${database}`);
    await writePostgresDatabase(model, POSTGRES, database);
  }
}
