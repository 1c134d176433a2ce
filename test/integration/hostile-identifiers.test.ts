import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture } from '../helpers/engine-fixture.ts';
import { MARIADB, mysqlUrl } from '../helpers/services.ts';

/** Focused regressions for what the hostile-identifier property test found (see hostile-identifiers.property.test.ts). */
const DB = 'ss_hostile_regressions';
const fixture = engineFixture();
const { engine } = fixture;

beforeAll(async () => {
  const admin = await mysql.createConnection({ ...MARIADB });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.query(
    `CREATE TABLE ${DB}.t (\`__proto__\` INT PRIMARY KEY, \`__defineSetter__\` INT, \`constructor\` VARCHAR(20))`,
  );
  await admin.query(`INSERT INTO ${DB}.t VALUES (1, 2, 'three')`);
  await admin.end();
});

afterAll(async () => {
  await fixture.close();
  const admin = await mysql.createConnection({ ...MARIADB });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
});

describe('hostile identifiers, one defect each', () => {
  it('MariaDB rows come back whatever the columns are called (mysql2 compiled a parser with the names in it)', async () => {
    const { id: sourceId } = engine.sources.add({ name: 'mysql proto', url: mysqlUrl(DB) });
    const selected = await engine.handlers['query/execute'](
      { sourceId, sql: 'SELECT 1 AS `__proto__`, 2 AS `__defineSetter__`, 3 AS `constructor`, 4 AS `toString`' },
      {},
    );
    expect(selected.columns.map((column) => column.name)).toEqual([
      '__proto__',
      '__defineSetter__',
      'constructor',
      'toString',
    ]);
    expect(selected.rows).toEqual([[1, 2, 3, 4]]);
    const sample = await engine.handlers['schema/sample']({ sourceId, schema: DB, table: 't' }, {});
    expect(sample.rows).toEqual([[1, 2, 'three']]);
  });

  it("a removed source's context is never served to the source added after it (SQLite reuses the newest snapshot id)", async () => {
    const file = (name: string) => path.join(fixture.home, `${name}.db`);
    for (const [name, table] of [
      ['first', 'removed_orders'],
      ['second', 'current_invoices'],
    ] as const) {
      const db = new Database(file(name));
      db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, total REAL)`);
      db.close();
    }
    const first = engine.sources.add({ name: 'first', url: `sqlite:${file('first')}` });
    const before = await engine.handlers['context/build'](
      { sourceId: first.id, question: 'orders total', budget: 1000 },
      {},
    );
    expect(before.tables).toEqual(['removed_orders']);
    engine.sources.remove(first.id);
    const second = engine.sources.add({ name: 'second', url: `sqlite:${file('second')}` });
    const after = await engine.handlers['context/build'](
      { sourceId: second.id, question: 'invoices total', budget: 1000 },
      {},
    );
    expect(after.snapshot.id).toBe(before.snapshot.id); // the id was handed out again: the case that went wrong
    expect(after.tables).toEqual(['current_invoices']);
    expect(after.text).not.toContain('removed_orders');
  });
});
