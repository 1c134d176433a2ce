import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaSnapshot } from '../../shared/schema-types.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings, type SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { SqlDoor } from '../../electron/engine/query/sql-door.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { writeMysqlDatabase, writePostgresDatabase } from '../workloads/server-writers.ts';
import { workloadSchema } from '../workloads/workload-schema.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../helpers/services.ts';
import { CACHE_DIR, workloadSqliteFile } from '../helpers/workloads.ts';

interface DialectCase {
  readonly name: 'sqlite' | 'mysql' | 'postgres';
  readonly url: string;
  readonly smallUrl: string;
  readonly makeSmall: () => Promise<unknown>;
  readonly slowSql: string;
  readonly writeSql: string;
  readonly valuesSql: string;
  readonly expectedValues: unknown[];
  /** Columns of the table named `order`, as the server's own catalog reports them. */
  readonly serverColumns: () => Promise<{ name: string; comment: string | null }[]>;
  readonly serverColumnCount: () => Promise<number>;
  readonly q: (identifier: string) => string;
}

const small = workloadSchema(3, 5);
const smallSqlite = `${CACHE_DIR}/small.sqlite`;

const CASES: DialectCase[] = [
  {
    name: 'sqlite',
    url: `sqlite:${workloadSqliteFile('w200')}`,
    smallUrl: `sqlite:${smallSqlite}`,
    makeSmall: async () => writeSqliteDatabase(small, smallSqlite),
    slowSql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c',
    writeSql: 'INSERT INTO "order" (id) VALUES (999999) RETURNING id',
    valuesSql: `SELECT NULL AS n, '' AS e, 9007199254740993 AS big, '2024-02-29' AS dt, x'DEADBEEF' AS b, 1.5 AS f`,
    expectedValues: [null, '', '9007199254740993', '2024-02-29', { type: 'binary', bytes: 4, hex: 'deadbeef' }, 1.5],
    serverColumns: async () => {
      const db = openSqlite(workloadSqliteFile('w200'), { readonly: true });
      const rows = db.prepare(`SELECT name FROM pragma_table_info('order') ORDER BY cid`).all() as { name: string }[];
      db.close();
      return rows.map((row) => ({ name: row.name, comment: null }));
    },
    serverColumnCount: async () => {
      const db = openSqlite(workloadSqliteFile('w200'), { readonly: true });
      const row = db
        .prepare(
          `SELECT count(*) AS n FROM sqlite_schema m JOIN pragma_table_info(m.name) WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite%'`,
        )
        .get() as { n: number };
      db.close();
      return row.n;
    },
    q: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  },
  {
    name: 'mysql',
    url: mysqlUrl('ss_w200'),
    smallUrl: mysqlUrl('ss_small'),
    makeSmall: () => writeMysqlDatabase(small, MARIADB, 'ss_small'),
    slowSql: 'SELECT SLEEP(20)',
    writeSql: 'INSERT INTO `order` (id) VALUES (999999)',
    valuesSql: `SELECT NULL AS n, '' AS e, 9007199254740993 AS big, CAST('12345678901234567890.12' AS DECIMAL(30,2)) AS d, DATE '2024-02-29' AS dt, TIMESTAMP '2024-03-31 02:30:00' AS ts, x'DEADBEEF' AS b`,
    expectedValues: [
      null,
      '',
      '9007199254740993',
      '12345678901234567890.12',
      '2024-02-29',
      '2024-03-31 02:30:00',
      { type: 'binary', bytes: 4, hex: 'deadbeef' },
    ],
    serverColumns: async () => {
      const connection = await mysql.createConnection({ ...MARIADB, database: 'ss_w200' });
      const [rows] = await connection.query('SHOW FULL COLUMNS FROM `order`');
      await connection.end();
      return (rows as { Field: string; Comment: string }[]).map((row) => ({
        name: row.Field,
        comment: row.Comment || null,
      }));
    },
    serverColumnCount: async () => {
      const connection = await mysql.createConnection({ ...MARIADB });
      const [rows] = await connection.query(
        `SELECT count(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ss_w200'`,
      );
      await connection.end();
      return Number((rows as { n: number }[])[0]!.n);
    },
    q: (identifier) => `\`${identifier.replaceAll('`', '``')}\``,
  },
  {
    name: 'postgres',
    url: postgresUrl('ss_w200'),
    smallUrl: postgresUrl('ss_small'),
    makeSmall: () => writePostgresDatabase(small, POSTGRES, 'ss_small'),
    slowSql: 'SELECT pg_sleep(20)',
    writeSql: 'INSERT INTO "order" (id) VALUES (999999)',
    valuesSql: `SELECT NULL::text AS n, ''::text AS e, 9007199254740993::int8 AS big, 12345678901234567890.12::numeric AS d, DATE '2024-02-29' AS dt, TIMESTAMPTZ '2024-03-31 01:30:00+00' AS ts, '\\xdeadbeef'::bytea AS b`,
    expectedValues: [
      null,
      '',
      '9007199254740993',
      '12345678901234567890.12',
      '2024-02-29',
      '2024-03-31 01:30:00+00',
      { type: 'binary', bytes: 4, hex: 'deadbeef' },
    ],
    serverColumns: async () => {
      const client = new pg.Client({ ...POSTGRES, database: 'ss_w200' });
      await client.connect();
      const result = await client.query(
        `SELECT column_name AS name, col_description('public."order"'::regclass, ordinal_position::int) AS comment FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'order' ORDER BY ordinal_position`,
      );
      await client.end();
      return result.rows as { name: string; comment: string | null }[];
    },
    serverColumnCount: async () => {
      const client = new pg.Client({ ...POSTGRES, database: 'ss_w200' });
      await client.connect();
      const result = await client.query(
        `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public'`,
      );
      await client.end();
      return result.rows[0].n as number;
    },
    q: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  },
];

describe.each(CASES)('$name dialect against the real server', (dialect) => {
  let connection: SourceConnection;
  let snapshot: SchemaSnapshot;
  let queries: number;
  const door = new SqlDoor();

  beforeAll(async () => {
    connection = await connectSource(
      parseConnectionUrl(dialect.url),
      resolvePoolSettings({ connectionLimit: 4, queueLimit: 4 }),
    );
    const introspection = await connection.introspect();
    snapshot = introspection.snapshot;
    queries = introspection.stats.queries;
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('introspects W200: 200 tables, 10,000 columns, the FK chain, an index per table', async () => {
    expect(snapshot.tables).toHaveLength(200);
    expect(snapshot.tables.reduce((sum, table) => sum + table.columns.length, 0)).toBe(10_000);
    expect(snapshot.tables.reduce((sum, table) => sum + table.foreignKeys.length, 0)).toBe(199);
    const byName = new Map(snapshot.tables.map((table) => [table.name, table]));
    const model = workloadSchema(200, 50);
    for (const [index, table] of model.tables.entries()) {
      const found = byName.get(table.name);
      expect(found, table.name).toBeDefined();
      expect(found!.columns.map((column) => column.name)).toEqual(table.columns.map((column) => column.name));
      expect(found!.primaryKey).toEqual(['id']);
      if (index > 0)
        expect(found!.foreignKeys[0]).toMatchObject({
          columns: ['prev_id'],
          refTable: model.tables[index - 1]!.name,
          refColumns: ['id'],
        });
      expect(found!.indexes.some((ix) => !ix.primary && ix.columns[0] === table.index![0])).toBe(true);
    }
  });

  it('matches the server’s own catalog, awkward names and comments included', async () => {
    expect(await dialect.serverColumnCount()).toBe(10_000);
    const order = snapshot.tables.find((table) => table.name === 'order')!;
    const server = await dialect.serverColumns();
    expect(order.columns.map((column) => column.name)).toEqual(server.map((column) => column.name));
    if (dialect.name !== 'sqlite')
      expect(order.columns.map((column) => column.comment)).toEqual(server.map((column) => column.comment));
    for (const name of ['Order Details', 'group', 'select', 'größe_übersicht', "o'hara_ledger"])
      expect(
        snapshot.tables.some((table) => table.name === name),
        name,
      ).toBe(true);
    const t10 = snapshot.tables.find((table) => table.name.startsWith('t0011_'))!;
    expect(t10.columns.map((column) => column.name)).toEqual(expect.arrayContaining(['Unit Price 9', 'from']));
    // SQLite keeps comments as -- comments in its DDL; the other two in their catalogs
    expect(order.comment).toMatch(/table 4 of 200/);
    expect(order.columns[0]!.comment).toMatch(/Primary key/);
  });

  it('uses a constant number of catalog queries, whatever the table count', async () => {
    await dialect.makeSmall();
    const smallConnection = await connectSource(parseConnectionUrl(dialect.smallUrl), resolvePoolSettings());
    try {
      const tiny = await smallConnection.introspect();
      expect(tiny.snapshot.tables).toHaveLength(3);
      expect(tiny.stats.queries).toBe(queries);
      expect(queries).toBeLessThanOrEqual(6);
    } finally {
      await smallConnection.close();
    }
  });

  it('keeps values exact: NULL is not empty, big integers and decimals exact, dates unshifted, binary as hex', async () => {
    const result = await door.execute(connection, { sql: dialect.valuesSql });
    expect(result.rows[0]).toEqual(dialect.expectedValues);
  });

  it('stops at the row limit and pages beyond it from the cursor', async () => {
    const sql = `SELECT id FROM ${dialect.q('t0001_cust_acct')} ORDER BY id`;
    await door.execute(connection, { sql: `SELECT 1` });
    const values = dialect.name === 'postgres' ? 'generate_series(1, 250) AS id' : null;
    const source = values
      ? `SELECT id FROM ${values} ORDER BY id`
      : dialect.name === 'mysql'
        ? 'SELECT seq AS id FROM seq_1_to_250'
        : 'WITH RECURSIVE s(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM s WHERE id < 250) SELECT id FROM s';
    const first = await door.execute(connection, { sql: source, limit: 100 });
    expect(first.rowCount).toBe(100);
    expect(first.truncated).toBe(true);
    const second = await door.execute(connection, { sql: source, limit: 100, offset: 200 });
    expect(second.rows.map((row) => Number(row[0]))).toEqual(Array.from({ length: 50 }, (_, index) => 201 + index));
    expect(second.truncated).toBe(false);
    const empty = await door.execute(connection, { sql });
    expect(empty).toMatchObject({ rowCount: 0, truncated: false });
  });

  it('refuses writes twice: at the guard, and in the read-only session itself when the guard is bypassed', async () => {
    await expect(door.execute(connection, { sql: dialect.writeSql })).rejects.toMatchObject({
      kind: 'read_only_violation',
    });
    await expect(
      connection.execute(dialect.writeSql, { limit: 10, timeoutMs: 5_000, queryId: `bypass-${dialect.name}` }),
    ).rejects.toMatchObject({ kind: 'read_only_violation' });
    if (dialect.name !== 'sqlite') {
      const ddl = dialect.name === 'mysql' ? 'CREATE TABLE sneaky (a INT)' : 'CREATE TABLE sneaky (a int)';
      await expect(
        connection.execute(ddl, { limit: 10, timeoutMs: 5_000, queryId: `ddl-${dialect.name}` }),
      ).rejects.toMatchObject({ kind: 'read_only_violation' });
    }
    const after = await door.execute(connection, { sql: `SELECT count(*) FROM ${dialect.q('order')}` });
    expect(Number(after.rows[0]![0])).toBe(0);
  });

  it('stops a query on the server at its timeout, and the next query works', async () => {
    const started = performance.now();
    await expect(door.execute(connection, { sql: dialect.slowSql, timeoutMs: 500 })).rejects.toMatchObject({
      kind: 'timeout',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await door.execute(connection, { sql: 'SELECT 1' })).rows).toEqual([[1]]);
  });

  it('cancels a running query by id; the server stops within a second', async () => {
    const running = door.execute(connection, {
      sql: dialect.slowSql,
      queryId: `cancel-${dialect.name}`,
      timeoutMs: 60_000,
    });
    const outcome = running.then(
      () => undefined,
      (error: unknown) => error,
    ); // observed at once: it settles while cancel() runs
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancelledAt = performance.now();
    expect(await door.cancel(`cancel-${dialect.name}`)).toBe(true);
    expect(await outcome).toMatchObject({ kind: 'cancelled' });
    expect(performance.now() - cancelledAt).toBeLessThan(1_000);
    if (dialect.name === 'mysql') {
      const admin = await mysql.createConnection({ ...MARIADB });
      const [rows] = await admin.query(
        `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(20)%'`,
      );
      await admin.end();
      expect(Number((rows as { n: number }[])[0]!.n)).toBe(0);
    }
    if (dialect.name === 'postgres') {
      const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
      await admin.connect();
      const result = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()`,
      );
      await admin.end();
      expect(result.rows[0].n).toBe(0);
    }
    expect(await door.cancel('no-such-query')).toBe(false);
    expect((await door.execute(connection, { sql: 'SELECT 2' })).rows).toEqual([[2]]);
  });

  it('answers "pool busy" once the queue is full, never runs more than the pool size, then recovers', async () => {
    const pool = await connectSource(
      parseConnectionUrl(dialect.url),
      resolvePoolSettings({ connectionLimit: 2, queueLimit: 1, acquireTimeoutMs: 10_000 }),
    );
    try {
      const slow =
        dialect.name === 'sqlite'
          ? 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT max(x) FROM c'
          : dialect.name === 'mysql'
            ? 'SELECT SLEEP(0.4)'
            : 'SELECT pg_sleep(0.4)';
      let peak = 0;
      const watch = setInterval(() => (peak = Math.max(peak, pool.stats().active)), 5);
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => door.execute(pool, { sql: slow, timeoutMs: 20_000 })),
      );
      clearInterval(watch);
      expect(peak).toBeLessThanOrEqual(2);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(refused).toHaveLength(3);
      for (const result of refused)
        expect(result.reason).toMatchObject({ kind: 'pool_busy', message: expect.stringContaining('Pool busy') });
      expect(pool.stats().total).toBeLessThanOrEqual(2);
      expect((await door.execute(pool, { sql: 'SELECT 3' })).rows).toEqual([[3]]);
    } finally {
      await pool.close();
    }
  });
});
