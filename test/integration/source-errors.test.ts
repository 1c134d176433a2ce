import mysql from 'mysql2/promise';
import pg from 'pg';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppError } from '../../shared/errors.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../helpers/services.ts';
import { blackHole } from '../helpers/tcp-proxy.ts';
import { tempHome } from '../helpers/temp-home.ts';

async function failure(url: string, settings = {}): Promise<AppError> {
  const started = performance.now();
  try {
    const connection = await connectSource(
      parseConnectionUrl(url),
      resolvePoolSettings({ connectTimeoutMs: 800, ...settings }),
    );
    await connection.close();
  } catch (error) {
    (error as AppError & { ms: number }).ms = performance.now() - started;
    return error as AppError;
  }
  throw new Error(`expected ${url} to fail`);
}

const home = tempHome();
let hole: Awaited<ReturnType<typeof blackHole>>;

beforeAll(async () => {
  hole = await blackHole();
  const admin = await mysql.createConnection({ ...MARIADB, multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ss_empty; CREATE DATABASE ss_empty;
    DROP DATABASE IF EXISTS ss_wide; CREATE DATABASE ss_wide;
    DROP DATABASE IF EXISTS ss_private; CREATE DATABASE ss_private;
    CREATE TABLE ss_private.visible_tbl (id INT PRIMARY KEY); CREATE TABLE ss_private.hidden_tbl (id INT PRIMARY KEY);
    DROP USER IF EXISTS 'ss_limited'@'%'; CREATE USER 'ss_limited'@'%' IDENTIFIED BY 'limited-pw';
    GRANT SELECT ON ss_private.visible_tbl TO 'ss_limited'@'%';`);
  await admin.query(
    `CREATE TABLE ss_wide.wide (${Array.from({ length: 1000 }, (_, index) => `c${index} INT`).join(', ')})`,
  );
  await admin.end();
  const client = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS ss_empty WITH (FORCE)');
  await client.query('CREATE DATABASE ss_empty');
  await client.query('DROP DATABASE IF EXISTS ss_private WITH (FORCE)');
  await client.query('CREATE DATABASE ss_private');
  await client.end();
  const privateDb = new pg.Client({ ...POSTGRES, database: 'ss_private' });
  await privateDb.connect();
  await privateDb.query(
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ss_limited') THEN CREATE ROLE ss_limited LOGIN; END IF; END $$`,
  );
  await privateDb.query(`CREATE TABLE visible_tbl (id int PRIMARY KEY); CREATE TABLE hidden_tbl (id int PRIMARY KEY); GRANT SELECT ON visible_tbl TO ss_limited;
    CREATE TABLE wide (${Array.from({ length: 1000 }, (_, index) => `c${index} int`).join(', ')})`);
  await privateDb.end();
});
afterAll(async () => {
  await hole.close();
  home.cleanup();
});

describe('connection failures get a clear kind, fast, and never show the password', () => {
  it('wrong password (MariaDB)', async () => {
    const error = await failure(mysqlUrl('ss_w200', 'definitely-wrong'));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Authentication failed');
    expect(error.message).not.toContain('definitely-wrong');
  });

  it('unknown role (PostgreSQL)', async () => {
    const error = await failure('postgres://nobody_here:pw-secret@127.0.0.1:5432/postgres');
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('pw-secret');
  });

  it('connection refused', async () => {
    for (const url of ['mysql://root@127.0.0.1:1/x', 'postgres://postgres@127.0.0.1:1/x']) {
      const error = await failure(url);
      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(/unreachable.*127\.0\.0\.1:1/i);
    }
  });

  it('a host that never answers fails within the connect timeout', async () => {
    for (const url of [`mysql://root@127.0.0.1:${hole.port}/x`, `postgres://postgres@127.0.0.1:${hole.port}/x`]) {
      const error = (await failure(url, { connectTimeoutMs: 500 })) as AppError & { ms: number };
      expect(error.kind, url).toBe('unreachable');
      expect(error.ms).toBeLessThan(3_000);
    }
  });

  it('unknown database', async () => {
    expect((await failure(mysqlUrl('ss_does_not_exist'))).kind).toBe('not_found');
    expect((await failure(postgresUrl('ss_does_not_exist'))).kind).toBe('not_found');
  });

  it('SQLite: a missing file, and a file that is not a database', async () => {
    expect((await failure(`sqlite:${path.join(home.dir, 'missing.db')}`)).kind).toBe('not_found');
    const junk = path.join(home.dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite'.repeat(100));
    const error = await failure(`sqlite:${junk}`);
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain('SQLite');
  });
});

describe('awkward databases introspect cleanly', () => {
  it('an empty database has no tables, and says so', async () => {
    for (const url of [mysqlUrl('ss_empty'), postgresUrl('ss_empty')]) {
      const connection = await connectSource(parseConnectionUrl(url), resolvePoolSettings());
      const { snapshot } = await connection.introspect();
      await connection.close();
      expect(snapshot.tables, url).toEqual([]);
    }
  });

  it('a 1,000-column table', async () => {
    for (const [url, table] of [
      [mysqlUrl('ss_wide'), 'wide'],
      [postgresUrl('ss_private'), 'wide'],
    ] as const) {
      const connection = await connectSource(parseConnectionUrl(url), resolvePoolSettings());
      const { snapshot } = await connection.introspect();
      await connection.close();
      const wide = snapshot.tables.find((candidate) => candidate.name === table)!;
      expect(wide.columns).toHaveLength(1000);
      expect(wide.columns[999]).toMatchObject({ name: 'c999', ordinal: 1000 });
    }
  });

  it('without privileges on some tables: introspects what is visible, reports what is not readable', async () => {
    const mysqlConnection = await connectSource(
      parseConnectionUrl('mysql://ss_limited:limited-pw@127.0.0.1:3306/ss_private'),
      resolvePoolSettings(),
    );
    const visible = (await mysqlConnection.introspect()).snapshot;
    await mysqlConnection.close();
    expect(visible.tables.map((table) => table.name)).toEqual(['visible_tbl']);

    const pgConnection = await connectSource(
      parseConnectionUrl('postgres://ss_limited@127.0.0.1:5432/ss_private'),
      resolvePoolSettings(),
    );
    const limited = (await pgConnection.introspect()).snapshot;
    await pgConnection.close();
    expect(limited.tables.map((table) => table.name).sort()).toEqual(['hidden_tbl', 'visible_tbl', 'wide']);
    expect(limited.warnings.join('\n')).toContain('No SELECT privilege on public.hidden_tbl');
    expect(limited.warnings.join('\n')).not.toContain('visible_tbl');
  });
});
