import mysql from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlRowCursor } from '../../electron/engine/sources/mysql/mysql-row-cursor.ts';
import { MARIADB } from '../helpers/services.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * The MariaDB cursor's states, each reached on a real server: every row read, stopped at the limit (statement killed,
 * rows in flight drained, the connection reusable), a failed statement (connection reusable), a lost connection.
 */
describe('MysqlRowCursor (MariaDB)', () => {
  const proxy = new TcpProxy(MARIADB.host, MARIADB.port);
  let pool: Pool;
  let control: mysql.Connection;
  const TYPES = new Map<number, string>(Object.entries(mysql.Types).map(([name, code]) => [code as number, name]));

  beforeAll(async () => {
    const port = await proxy.start(0);
    pool = mysql.createPool({
      host: MARIADB.host,
      port,
      user: MARIADB.user,
      password: MARIADB.password,
      database: 'test',
      connectionLimit: 2,
    });
    control = mysql.createConnection({
      host: MARIADB.host,
      port: MARIADB.port,
      user: MARIADB.user,
      password: MARIADB.password,
    });
  });
  afterAll(async () => {
    control.destroy();
    await pool
      .promise()
      .end()
      .catch(() => undefined);
    await proxy.stop();
  });

  const connection = (): Promise<PoolConnection> =>
    new Promise((resolve, reject) => pool.getConnection((error, got) => (error ? reject(error) : resolve(got))));
  const kill = (threadId: number) => async () => void (await control.promise().query(`KILL QUERY ${threadId}`));
  const SERIES = 'SELECT seq AS n FROM seq_1_to_2000000';

  it('ended: every row read, the connection released', async () => {
    const conn = await connection();
    const cursor = new MysqlRowCursor(
      conn,
      'SELECT seq AS n, CONCAT("r", seq) AS label FROM seq_1_to_5',
      { limit: 10, offset: 1, stopStatement: kill(conn.threadId) },
      TYPES,
    );
    const rows = await cursor.rows;
    expect(cursor.state).toBe('ended');
    expect(rows.truncated).toBe(false);
    expect(rows.rows).toEqual([
      [2, 'r2'],
      [3, 'r3'],
      [4, 'r4'],
      [5, 'r5'],
    ]);
    expect(rows.columns.map((column) => column.name)).toEqual(['n', 'label']);
    expect(await cursor.fate).toBe('release');
    conn.release();
  });

  it('stopped: answers at the limit at once, the server stops the statement, the drained connection is reusable', async () => {
    const conn = await connection();
    const cursor = new MysqlRowCursor(
      conn,
      SERIES,
      { limit: 100, offset: 0, stopStatement: kill(conn.threadId) },
      TYPES,
    );
    const rows = await cursor.rows;
    expect(cursor.state).toBe('stopped');
    expect(rows.truncated).toBe(true);
    expect(rows.rows).toHaveLength(100);
    expect(await cursor.fate).toBe('release');
    // The connection answers the next statement correctly: nothing of the stopped statement is left on it.
    const [next] = await conn.promise().query('SELECT 41 + 1 AS answer');
    expect(next).toEqual([{ answer: 42 }]);
    conn.release();
  });

  it('stopped, and the stop fails: the connection is destroyed, not returned half-read', async () => {
    const conn = await connection();
    const cursor = new MysqlRowCursor(
      conn,
      SERIES,
      { limit: 10, offset: 0, stopStatement: () => Promise.reject(new Error('control connection down')) },
      TYPES,
    );
    expect((await cursor.rows).rows).toHaveLength(10);
    expect(await cursor.fate).toBe('destroy');
    conn.destroy();
  });

  it('failed: the statement error rejects, the connection stays usable', async () => {
    const conn = await connection();
    const cursor = new MysqlRowCursor(
      conn,
      'SELECT * FROM no_such_database_here.no_such_table',
      { limit: 10, offset: 0, stopStatement: kill(conn.threadId) },
      TYPES,
    );
    await expect(cursor.rows).rejects.toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
    expect(cursor.state).toBe('failed');
    expect(await cursor.fate).toBe('release');
    const [next] = await conn.promise().query('SELECT 1 AS ok');
    expect(next).toEqual([{ ok: 1 }]);
    conn.release();
  });

  it('lost: a connection cut mid-statement rejects with a connection error and is destroyed', async () => {
    const conn = await connection();
    const cursor = new MysqlRowCursor(
      conn,
      'SELECT SLEEP(5) AS slept',
      { limit: 10, offset: 0, stopStatement: kill(conn.threadId) },
      TYPES,
    );
    setTimeout(() => void proxy.stop(), 200);
    await expect(cursor.rows).rejects.toMatchObject({ fatal: true });
    expect(cursor.state).toBe('lost');
    expect(await cursor.fate).toBe('destroy');
    conn.destroy();
  });
});
