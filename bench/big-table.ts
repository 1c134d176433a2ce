import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openSqlite } from '../electron/engine/platform/open-sqlite.ts';
import { MARIADB, POSTGRES } from '../test/helpers/services.ts';
import { CACHE_DIR } from '../test/helpers/workloads.ts';

export const BIG_DATABASE = 'ss_bench';
export const BIG_ROWS = 1_000_000;
export const bigSqliteFile = () => path.join(CACHE_DIR, 'big-rows.sqlite');

/**
 * A 1,000,000-row table `big_rows` (id, name, amount, created, note with NULLs) in MariaDB, PostgreSQL and a SQLite
 * file, generated server-side in seconds and kept between runs (checked by row count).
 */
export async function ensureBigTables(log: (line: string) => void): Promise<void> {
  const admin = await mysql.createConnection({ ...MARIADB });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${BIG_DATABASE}`);
    await admin.query(`USE ${BIG_DATABASE}`); // MariaDB's seq_1_to_N tables live in the current database
    const [rows] = await admin.query(
      `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'big_rows'`,
      [BIG_DATABASE],
    );
    const exists =
      (rows as { n: number }[])[0]!.n > 0 &&
      ((await admin.query(`SELECT COUNT(*) AS n FROM ${BIG_DATABASE}.big_rows`))[0] as { n: number }[])[0]!.n ===
        BIG_ROWS;
    if (!exists) {
      log('writing 1,000,000 rows into MariaDB');
      await admin.query(`DROP TABLE IF EXISTS ${BIG_DATABASE}.big_rows`);
      await admin.query(
        `CREATE TABLE ${BIG_DATABASE}.big_rows (id BIGINT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), created DATETIME, note CHAR(32)) AS
         SELECT seq AS id, CONCAT('name ', seq) AS name, (seq % 100000) / 100 AS amount, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND AS created,
                IF(seq % 7 = 0, NULL, MD5(seq)) AS note FROM seq_1_to_${BIG_ROWS}`,
      );
    }
  } finally {
    await admin.end();
  }
  const pgAdmin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await pgAdmin.connect();
  try {
    const found = await pgAdmin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BIG_DATABASE]);
    if (found.rowCount === 0) await pgAdmin.query(`CREATE DATABASE ${BIG_DATABASE}`);
  } finally {
    await pgAdmin.end();
  }
  const client = new pg.Client({ ...POSTGRES, database: BIG_DATABASE });
  await client.connect();
  try {
    const count = await client.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'big_rows'`,
    );
    const ok =
      count.rows[0].n > 0 && (await client.query('SELECT count(*)::int AS n FROM big_rows')).rows[0].n === BIG_ROWS;
    if (!ok) {
      log('writing 1,000,000 rows into PostgreSQL');
      await client.query('DROP TABLE IF EXISTS big_rows');
      await client.query(
        `CREATE TABLE big_rows AS SELECT g::bigint AS id, 'name ' || g AS name, ((g % 100000) / 100.0)::numeric(12,2) AS amount,
                timestamp '2024-01-01' + g * interval '1 second' AS created, CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END AS note
         FROM generate_series(1, ${BIG_ROWS}) g`,
      );
      await client.query('ALTER TABLE big_rows ADD PRIMARY KEY (id)');
    }
  } finally {
    await client.end();
  }
  const file = bigSqliteFile();
  if (existsSync(file)) {
    const db = openSqlite(file, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM big_rows').get() as { n: number } | undefined)?.n;
    db.close();
    if (n === BIG_ROWS) return;
    rmSync(file);
  }
  log('writing 1,000,000 rows into SQLite');
  mkdirSync(CACHE_DIR, { recursive: true });
  const db = openSqlite(file);
  db.exec(`CREATE TABLE big_rows (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC, created TEXT, note TEXT);
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${BIG_ROWS})
    INSERT INTO big_rows SELECT n, 'name ' || n, (n % 100000) / 100.0, datetime('2024-01-01', '+' || n || ' seconds'), CASE WHEN n % 7 = 0 THEN NULL ELSE hex(randomblob(16)) END FROM g;`);
  db.close();
}
