import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings, type SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { mysqlDialect } from '../../electron/engine/sources/mysql/mysql-pool.ts';
import { postgresDialect, postgresDialectWith } from '../../electron/engine/sources/postgres/postgres-pool.ts';
import { checkReadOnlySql } from '../../electron/engine/query/sql-guard.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../helpers/services.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * Issue #17: every wall behind the guard on its own, read back from the server: PostgreSQL's session default and
 * transaction mode, MariaDB's read-only session, the extended protocol that keeps stacked statements out, and the row
 * stop, measured as bytes the server sent (a 5,000,000-row series with limit 100).
 * The guard is bypassed on purpose here: these walls must hold when it lets something through.
 */

const DATABASE = 'ss_safety_walls';
const settings = resolvePoolSettings({ connectionLimit: 2 });
const open: SourceConnection[] = [];
let queryNumber = 0;

async function connect(dialect: typeof postgresDialect, url: string): Promise<SourceConnection> {
  const connection = await dialect.connect(parseConnectionUrl(url), settings);
  open.push(connection);
  return connection;
}

function run(connection: SourceConnection, sql: string, limit = 100) {
  queryNumber += 1;
  return connection.execute(sql, { limit, timeoutMs: 30_000, queryId: `walls-${queryNumber}` });
}

async function pgAdmin<T>(work: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function pgRowCount(): Promise<number> {
  return pgAdmin(async (client) => Number((await client.query('SELECT count(*) AS n FROM t')).rows[0].n), DATABASE);
}

let mysqlAdmin: mysql.Connection;

beforeAll(async () => {
  await pgAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  });
  await pgAdmin(async (client) => {
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query('INSERT INTO t SELECT generate_series(1, 10)');
  }, DATABASE);
  mysqlAdmin = await mysql.createConnection({ ...MARIADB });
  await mysqlAdmin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await mysqlAdmin.query(`CREATE DATABASE ${DATABASE}`);
  await mysqlAdmin.query(`USE ${DATABASE}`);
  await mysqlAdmin.query(`CREATE TABLE ${DATABASE}.t (id int PRIMARY KEY)`);
  await mysqlAdmin.query(`INSERT INTO ${DATABASE}.t SELECT seq FROM seq_1_to_10`);
});

afterAll(async () => {
  await Promise.all(open.map((connection) => connection.close()));
  await pgAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  await mysqlAdmin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await mysqlAdmin.end();
});

describe('PostgreSQL: one statement per query (extended protocol)', () => {
  const STACKS = [
    'SELECT 1; COMMIT; SET TRANSACTION READ WRITE; DELETE FROM t',
    'SHOW search_path; COMMIT; SET TRANSACTION READ WRITE; DELETE FROM t',
    'SELECT 1; COMMIT; SET SESSION default_transaction_read_only = off; DELETE FROM t',
  ];

  it.each(STACKS)('refuses %j when it gets past the guard, and no row is deleted', async (sql) => {
    expect(() => checkReadOnlySql(sql, 'postgres')).toThrow(); // the guard alone would refuse it: bypassed here
    const connection = await connect(postgresDialect, postgresUrl(DATABASE));
    await expect(run(connection, sql)).rejects.toMatchObject({
      message: expect.stringMatching(/multiple commands|syntax error/i),
    });
    expect(await pgRowCount()).toBe(10);
    // The pooled session is still read-only afterwards.
    expect((await run(connection, 'SHOW default_transaction_read_only')).rows).toEqual([['on']]);
  });
});

describe('PostgreSQL: each read-only setting alone, read back from the server', () => {
  const READ_BACK =
    "SELECT current_setting('default_transaction_read_only') AS session_default, current_setting('transaction_read_only') AS in_transaction";
  // EXPLAIN ANALYZE runs the DELETE (a cursor cannot hold a data-modifying statement, so this takes the other path).
  const WRITE = 'EXPLAIN ANALYZE DELETE FROM t';

  it('the app raises both', async () => {
    const connection = await connect(postgresDialect, postgresUrl(DATABASE));
    expect((await run(connection, READ_BACK)).rows).toEqual([['on', 'on']]);
    expect((await run(connection, 'SHOW default_transaction_read_only')).rows).toEqual([['on']]);
  });

  it('the session default alone keeps a write out', async () => {
    const connection = await connect(
      postgresDialectWith({ sessionReadOnly: true, transactionReadOnly: false }),
      postgresUrl(DATABASE),
    );
    expect((await run(connection, READ_BACK)).rows).toEqual([['on', 'on']]);
    await expect(run(connection, WRITE)).rejects.toMatchObject({ kind: 'read_only_violation' });
    expect(await pgRowCount()).toBe(10);
  });

  it('the transaction mode alone keeps a write out', async () => {
    const connection = await connect(
      postgresDialectWith({ sessionReadOnly: false, transactionReadOnly: true }),
      postgresUrl(DATABASE),
    );
    expect((await run(connection, READ_BACK)).rows).toEqual([['off', 'on']]);
    await expect(run(connection, WRITE)).rejects.toMatchObject({ kind: 'read_only_violation' });
    expect(await pgRowCount()).toBe(10);
  });

  it('with neither, the read-back and the write show it (so the checks above can fail)', async () => {
    const connection = await connect(
      postgresDialectWith({ sessionReadOnly: false, transactionReadOnly: false }),
      postgresUrl(DATABASE),
    );
    expect((await run(connection, READ_BACK)).rows).toEqual([['off', 'off']]);
    const plan = (await run(connection, WRITE)).rows.flat().join('\n');
    expect(plan).toMatch(/Delete on t/); // deleted inside the query's transaction...
    expect(await pgRowCount()).toBe(10); // ...which is always rolled back
  });
});

describe('MariaDB: the read-only session, read back from the server', () => {
  it('every pooled session is read-only, and a write past the guard fails', async () => {
    const connection = await connect(mysqlDialect, mysqlUrl(DATABASE));
    const sessions = await Promise.all([
      run(connection, 'SELECT @@session.tx_read_only, CONNECTION_ID(), SLEEP(0.2)'),
      run(connection, 'SELECT @@session.tx_read_only, CONNECTION_ID(), SLEEP(0.2)'),
    ]);
    expect(new Set(sessions.map((result) => result.rows[0]![1])).size).toBe(2); // two sessions of the pool, both checked
    for (const result of sessions) expect(String(result.rows[0]![0])).toBe('1');
    await expect(run(connection, 'DELETE FROM t')).rejects.toMatchObject({ kind: 'read_only_violation' });
    const [rows] = await mysqlAdmin.query(`SELECT count(*) AS n FROM ${DATABASE}.t`);
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(10);
  });
});

describe('the row stop, by what the server sent', () => {
  const SERIES = 5_000_000;

  async function throughProxy(target: { host: string; port: number }, url: (port: number) => string) {
    const proxy = new TcpProxy(target.host, target.port);
    const port = await proxy.start();
    return { proxy, url: url(port) };
  }

  /** Waits until the proxy has carried nothing new for a while: rows in flight have arrived. */
  async function settledBytes(proxy: TcpProxy): Promise<number> {
    let last = -1;
    while (proxy.bytesFromServer !== last) {
      last = proxy.bytesFromServer;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return last;
  }

  it('PostgreSQL sends about 100 rows of a 5,000,000-row series with limit 100 (FETCH FORWARD limit+1)', async () => {
    const { proxy, url } = await throughProxy(
      POSTGRES,
      (port) => `postgres://${POSTGRES.user}@127.0.0.1:${port}/${DATABASE}`,
    );
    try {
      const connection = await connect(postgresDialect, url);
      await run(connection, 'SELECT 1');
      const before = await settledBytes(proxy);
      for (const sql of [
        `SELECT g FROM generate_series(1, ${SERIES}) AS g`,
        `SELECT generate_series(1, ${SERIES}) AS g`,
      ]) {
        const result = await run(connection, sql, 100);
        expect(result.rows).toHaveLength(100);
        expect(result.truncated).toBe(true);
      }
      const sent = (await settledBytes(proxy)) - before;
      // 5,000,000 rows are at least 11 bytes each on the wire (55 MB); 2 x 101 rows and the protocol, a few kB.
      expect(sent).toBeLessThan(50_000);
    } finally {
      await proxy.stop();
    }
  });

  it('MariaDB stops the statement near the limit: a small part of the 5,000,000 rows ever leaves the server', async () => {
    const { proxy, url } = await throughProxy(
      MARIADB,
      (port) => `mysql://${MARIADB.user}@127.0.0.1:${port}/${DATABASE}`,
    );
    try {
      const connection = await connect(mysqlDialect, url);
      await run(connection, 'SELECT 1');
      const before = await settledBytes(proxy);
      const result = await run(connection, `SELECT seq FROM seq_1_to_${SERIES}`, 100);
      expect(result.rows).toHaveLength(100);
      expect(result.truncated).toBe(true);
      const sent = (await settledBytes(proxy)) - before;
      const whole = SERIES * 11; // each row packet is at least 4 + 1 + 6 bytes
      console.log(`MariaDB row stop: ${sent} bytes sent of at least ${whole}`);
      expect(sent).toBeLessThan(whole / 5);
      // The statement is no longer running on the server.
      const [processes] = await mysqlAdmin.query(
        "SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT seq FROM seq_1_to_%'",
      );
      expect(Number((processes as { n: number }[])[0]!.n)).toBe(0);
    } finally {
      await proxy.stop();
    }
  });
});
