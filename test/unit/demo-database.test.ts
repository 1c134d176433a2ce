import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { demoSchema } from '../../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { tableFingerprint } from '../../electron/engine/catalog/table-fingerprint.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome();
afterAll(home.cleanup);

describe('the demo database', () => {
  const file = path.join(home.dir, 'demo.sqlite');
  writeSqliteDatabase(demoSchema(), file);
  const db = openSqlite(file, { readonly: true });
  const { snapshot, stats } = introspectSqlite(db, 'demo');

  it('is a large multi-domain schema: 200+ tables, a 50+ column table, foreign keys, views', () => {
    const tables = snapshot.tables.filter((table) => table.kind === 'table');
    expect(tables.length).toBeGreaterThanOrEqual(200);
    expect(Math.max(...tables.map((table) => table.columns.length))).toBeGreaterThanOrEqual(50);
    expect(tables.reduce((sum, table) => sum + table.foreignKeys.length, 0)).toBeGreaterThan(100);
    expect(snapshot.tables.some((table) => table.kind === 'view')).toBe(true);
    for (const prefix of ['sls_', 'fin_', 'hr_', 'inv_', 'po_', 'sup_', 'mkt_', 'shp_', 'mfg_']) {
      expect(tables.filter((table) => table.name.startsWith(prefix)).length, prefix).toBeGreaterThan(3);
    }
    expect(stats.queries).toBeLessThanOrEqual(6);
  });

  it('has the names that break naive tools, intact', () => {
    const names = new Set(snapshot.tables.map((table) => table.name));
    for (const name of ['Order Details', 'order', 'group', 'kundenüberblick', 'café_menü', "o'brien_import"])
      expect(names.has(name), name).toBe(true);
    const order = snapshot.tables.find((table) => table.name === 'order')!;
    expect(order.columns.map((column) => column.name)).toEqual(
      expect.arrayContaining(['select', 'from', 'group', 'desc', 'key']),
    );
    const details = snapshot.tables.find((table) => table.name === 'Order Details')!;
    expect(details.foreignKeys[0]).toMatchObject({ columns: ['Order ID'], refTable: 'sls_ord_hdr' });
  });

  it('has plausible rows with consistent foreign keys', () => {
    expect((db.prepare('SELECT count(*) AS n FROM sls_ord_hdr').get() as { n: number }).n).toBe(600);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const orphanLines = db
      .prepare(
        'SELECT count(*) AS n FROM sls_ord_ln l LEFT JOIN sls_ord_hdr h ON h.ord_id = l.ord_id WHERE h.ord_id IS NULL',
      )
      .get() as { n: number };
    expect(orphanLines.n).toBe(0);
    const country = db.prepare('SELECT iso2_cd, cntry_nm FROM ref_cntry WHERE cntry_id = 2').get();
    expect(country).toEqual({ iso2_cd: 'DE', cntry_nm: 'Germany' });
  });

  it('is deterministic: generated twice, every table fingerprint is equal', () => {
    const again = path.join(home.dir, 'again.sqlite');
    writeSqliteDatabase(demoSchema(), again);
    const other = openSqlite(again, { readonly: true });
    const second = introspectSqlite(other, 'demo').snapshot;
    expect(second.tables.map(tableFingerprint)).toEqual(snapshot.tables.map(tableFingerprint));
    const sample = (d: typeof db) => d.prepare('SELECT * FROM cust_acct ORDER BY cust_acct_id LIMIT 5').all();
    expect(sample(other)).toEqual(sample(db));
    other.close();
  });
});
