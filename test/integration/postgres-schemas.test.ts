import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { POSTGRES, postgresUrl } from '../helpers/services.ts';

async function introspect(url: string) {
  const connection = await connectSource(parseConnectionUrl(url), resolvePoolSettings());
  try {
    return await connection.introspect();
  } finally {
    await connection.close();
  }
}

describe('PostgreSQL with several schemas', () => {
  beforeAll(async () => {
    const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS ss_multi WITH (FORCE)');
    await admin.query('CREATE DATABASE ss_multi');
    await admin.end();
    const client = new pg.Client({ ...POSTGRES, database: 'ss_multi' });
    await client.connect();
    await client.query(`
      CREATE SCHEMA hr; CREATE SCHEMA sales; CREATE SCHEMA "Data Mart";
      CREATE TABLE hr.people (id int PRIMARY KEY, "full name" text NOT NULL DEFAULT 'n/a');
      COMMENT ON TABLE hr.people IS 'Employees';
      COMMENT ON COLUMN hr.people."full name" IS 'As on the contract';
      CREATE TABLE sales.people (id int PRIMARY KEY, region text);
      CREATE TABLE sales.orders (id bigint PRIMARY KEY, seller_id int REFERENCES hr.people (id), buyer_id int, buyer_region text,
        FOREIGN KEY (buyer_id) REFERENCES sales.people (id));
      CREATE UNIQUE INDEX orders_buyer_region ON sales.orders (buyer_id, lower(buyer_region));
      CREATE VIEW "Data Mart"."order facts" AS SELECT o.id, p."full name" FROM sales.orders o JOIN hr.people p ON p.id = o.seller_id;
      CREATE TABLE sales.pair (a int, b int, PRIMARY KEY (a, b));
      CREATE TABLE sales.pair_ref (x int, y int, FOREIGN KEY (x, y) REFERENCES sales.pair (a, b));
    `);
    await client.end();
  });

  it('returns every user schema, with same-named tables kept apart and qualified', async () => {
    const { snapshot, stats } = await introspect(postgresUrl('ss_multi'));
    expect(stats.queries).toBe(4);
    expect([...snapshot.schemas].sort()).toEqual(['Data Mart', 'hr', 'sales']);
    const names = snapshot.tables.map((table) => `${table.schema}.${table.name}`).sort();
    expect(names).toEqual([
      'Data Mart.order facts',
      'hr.people',
      'sales.orders',
      'sales.pair',
      'sales.pair_ref',
      'sales.people',
    ]);
    const hrPeople = snapshot.tables.find((table) => table.schema === 'hr' && table.name === 'people')!;
    expect(hrPeople).toMatchObject({ comment: 'Employees', primaryKey: ['id'] });
    expect(hrPeople.columns[1]).toMatchObject({
      name: 'full name',
      type: 'text',
      nullable: false,
      defaultValue: "'n/a'::text",
      comment: 'As on the contract',
    });
    expect(snapshot.tables.find((table) => table.name === 'order facts')!.kind).toBe('view');
  });

  it('resolves foreign keys across schemas, composite keys and expression indexes', async () => {
    const { snapshot } = await introspect(postgresUrl('ss_multi'));
    const orders = snapshot.tables.find((table) => table.schema === 'sales' && table.name === 'orders')!;
    const byColumn = Object.fromEntries(
      orders.foreignKeys.map((fk) => [
        fk.columns.join(','),
        `${fk.refSchema}.${fk.refTable}(${fk.refColumns.join(',')})`,
      ]),
    );
    expect(byColumn).toEqual({ seller_id: 'hr.people(id)', buyer_id: 'sales.people(id)' });
    const expression = orders.indexes.find((index) => index.name === 'orders_buyer_region')!;
    expect(expression).toMatchObject({ unique: true, primary: false, columns: ['buyer_id', 'lower(buyer_region)'] });
    const pairRef = snapshot.tables.find((table) => table.name === 'pair_ref')!;
    expect(pairRef.foreignKeys[0]).toMatchObject({ columns: ['x', 'y'], refTable: 'pair', refColumns: ['a', 'b'] });
    expect(snapshot.tables.find((table) => table.name === 'pair')!.primaryKey).toEqual(['a', 'b']);
  });

  it('matches information_schema, and ?schema= restricts to the schemas asked for', async () => {
    const client = new pg.Client({ ...POSTGRES, database: 'ss_multi' });
    await client.connect();
    const server = await client.query(
      `SELECT table_schema || '.' || table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema IN ('hr', 'sales', 'Data Mart') ORDER BY 1`,
    );
    await client.end();
    const { snapshot } = await introspect(postgresUrl('ss_multi'));
    const ours = snapshot.tables
      .flatMap((table) => table.columns.map((column) => `${table.schema}.${table.name}.${column.name}`))
      .sort();
    expect(ours).toEqual(server.rows.map((row) => row.c as string).sort());
    const onlySales = await introspect(`${postgresUrl('ss_multi')}?schema=sales`);
    expect(new Set(onlySales.snapshot.tables.map((table) => table.schema))).toEqual(new Set(['sales']));
  });
});
