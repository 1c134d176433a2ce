import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { CACHE_DIR } from './workloads.ts';
import { MARIADB, POSTGRES } from './services.ts';

/**
 * A small shop for the plan, diagram and chart tests, the same on all three engines: customers (20,000 rows),
 * orders (60,000, a declared foreign key to customers, indexed) and refunds (3,000; `order_id` has neither a
 * declared key nor an index: an inferred join, and a join without an index).
 */
export const SHOP_DATABASE = 'ss_visual_shop';
export const SHOP_ROWS = { customers: 20_000, orders: 60_000, refunds: 3_000 } as const;

const DDL = [
  'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, country VARCHAR(40) NOT NULL, signed_up DATE NOT NULL)',
  'CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id), placed_at TIMESTAMP NOT NULL, status VARCHAR(20) NOT NULL, amount NUMERIC(10,2) NOT NULL)',
  'CREATE INDEX orders_customer ON orders(customer_id)',
  'CREATE TABLE refunds (id INT PRIMARY KEY, order_id INT NOT NULL, reason VARCHAR(80), amount NUMERIC(10,2) NOT NULL)',
];
const MYSQL_DDL = DDL.map((statement) =>
  statement.replace('REFERENCES customers(id)', '').replace('placed_at TIMESTAMP', 'placed_at DATETIME'),
).concat('ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers(id)');
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'CA'];

export function shopSqliteFile(): string {
  return path.join(CACHE_DIR, 'visual-shop.sqlite');
}

export async function ensureShop(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  await Promise.all([ensurePostgres(), ensureMysql()]);
  ensureSqlite();
}

async function ensurePostgres(): Promise<void> {
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [SHOP_DATABASE]);
    if (exists.rowCount === 1) {
      const probe = new pg.Client({ ...POSTGRES, database: SHOP_DATABASE });
      await probe.connect();
      const ready = await probe
        .query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'refunds'`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      const rows =
        ready.rows[0].n === 1 ? await probe.query('SELECT count(*)::int AS n FROM refunds') : { rows: [{ n: 0 }] };
      await probe.end();
      if (rows.rows[0].n === SHOP_ROWS.refunds) return;
      await admin.query(`DROP DATABASE ${SHOP_DATABASE}`);
    }
    await admin.query(`CREATE DATABASE ${SHOP_DATABASE}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ ...POSTGRES, database: SHOP_DATABASE });
  await client.connect();
  try {
    for (const statement of DDL) await client.query(statement);
    await client.query(
      `INSERT INTO customers SELECT g, 'customer ' || g, (ARRAY[${COUNTRIES.map((c) => `'${c}'`).join(',')}])[1 + g % ${COUNTRIES.length}], DATE '2020-01-01' + (g % 1500) FROM generate_series(1, ${SHOP_ROWS.customers}) g`,
    );
    await client.query(
      `INSERT INTO orders SELECT g, 1 + (g * 7) % ${SHOP_ROWS.customers}, TIMESTAMP '2024-01-01' + (g % 365) * INTERVAL '1 day' + (g % 1440) * INTERVAL '1 minute', (ARRAY['paid','shipped','returned'])[1 + g % 3], ((g * 37) % 50000) / 100.0 FROM generate_series(1, ${SHOP_ROWS.orders}) g`,
    );
    await client.query(
      `INSERT INTO refunds SELECT g, 1 + (g * 13) % ${SHOP_ROWS.orders}, 'reason ' || (g % 5), ((g * 11) % 9000) / 100.0 FROM generate_series(1, ${SHOP_ROWS.refunds}) g`,
    );
    await client.query('ANALYZE'); // estimates the planner (and the plan view) can trust
  } finally {
    await client.end();
  }
}

async function ensureMysql(): Promise<void> {
  const connection = await mysql.createConnection({
    host: MARIADB.host,
    port: MARIADB.port,
    user: MARIADB.user,
    password: MARIADB.password,
    multipleStatements: false,
  });
  try {
    const [found] = await connection.query(
      `SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'refunds'`,
      [SHOP_DATABASE],
    );
    if ((found as unknown[]).length === 1) {
      const [count] = await connection.query(`SELECT count(*) AS n FROM \`${SHOP_DATABASE}\`.refunds`);
      if (Number((count as { n: number }[])[0]!.n) === SHOP_ROWS.refunds) return;
    }
    await connection.query(`DROP DATABASE IF EXISTS \`${SHOP_DATABASE}\``);
    await connection.query(`CREATE DATABASE \`${SHOP_DATABASE}\``);
    await connection.query(`USE \`${SHOP_DATABASE}\``);
    for (const statement of MYSQL_DDL) await connection.query(statement);
    const series = (n: number) => `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${n})`;
    await connection.query('SET SESSION max_recursive_iterations = 1000000');
    await connection.query(
      `INSERT INTO customers ${series(SHOP_ROWS.customers)} SELECT n, CONCAT('customer ', n), ELT(1 + n % ${COUNTRIES.length}, ${COUNTRIES.map((c) => `'${c}'`).join(',')}), DATE '2020-01-01' + INTERVAL (n % 1500) DAY FROM g`,
    );
    await connection.query(
      `INSERT INTO orders ${series(SHOP_ROWS.orders)} SELECT n, 1 + (n * 7) % ${SHOP_ROWS.customers}, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (n % 365) DAY + INTERVAL (n % 1440) MINUTE, ELT(1 + n % 3, 'paid', 'shipped', 'returned'), ((n * 37) % 50000) / 100.0 FROM g`,
    );
    await connection.query(
      `INSERT INTO refunds ${series(SHOP_ROWS.refunds)} SELECT n, 1 + (n * 13) % ${SHOP_ROWS.orders}, CONCAT('reason ', n % 5), ((n * 11) % 9000) / 100.0 FROM g`,
    );
    await connection.query('ANALYZE TABLE customers, orders, refunds');
  } finally {
    await connection.end();
  }
}

function ensureSqlite(): void {
  const file = shopSqliteFile();
  if (existsSync(file)) {
    const db = openSqlite(file, { readonly: true });
    try {
      const row = db.prepare(`SELECT count(*) AS n FROM refunds`).get() as { n: number } | undefined;
      if (row?.n === SHOP_ROWS.refunds) return;
    } catch {
      // rebuilt below
    } finally {
      db.close();
    }
  }
  rmSync(file, { force: true });
  const db = openSqlite(file);
  try {
    for (const statement of DDL) db.exec(statement);
    const series = (n: number) => `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${n})`;
    db.exec(
      `INSERT INTO customers ${series(SHOP_ROWS.customers)} SELECT n, 'customer ' || n, ${sqliteCase(COUNTRIES)}, date('2020-01-01', '+' || (n % 1500) || ' days') FROM g`,
    );
    db.exec(
      `INSERT INTO orders ${series(SHOP_ROWS.orders)} SELECT n, 1 + (n * 7) % ${SHOP_ROWS.customers}, datetime('2024-01-01', '+' || (n % 365) || ' days', '+' || (n % 1440) || ' minutes'), ${sqliteCase(['paid', 'shipped', 'returned'])}, ((n * 37) % 50000) / 100.0 FROM g`,
    );
    db.exec(
      `INSERT INTO refunds ${series(SHOP_ROWS.refunds)} SELECT n, 1 + (n * 13) % ${SHOP_ROWS.orders}, 'reason ' || (n % 5), ((n * 11) % 9000) / 100.0 FROM g`,
    );
    db.exec('ANALYZE'); // sqlite_stat1: the row estimates the catalog reads
  } finally {
    db.close();
  }
}

function sqliteCase(values: readonly string[]): string {
  return `CASE n % ${values.length} ${values.map((value, index) => `WHEN ${index} THEN '${value}'`).join(' ')} END`;
}
