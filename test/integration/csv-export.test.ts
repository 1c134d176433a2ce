import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { exportCsv } from '../../electron/engine/query/csv-export.ts';
import { mysqlUrl, postgresUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

const SERIES = {
  postgres: `SELECT g AS id, CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'a,"b"' || chr(10) || 'c' END AS t FROM generate_series(1, 2500) g`,
  mysql: `SELECT seq AS id, CASE WHEN seq % 3 = 0 THEN NULL WHEN seq % 3 = 1 THEN '' ELSE CONCAT('a,"b"', CHAR(10 USING utf8mb4), 'c') END AS t FROM seq_1_to_2500`,
};

describe('CSV export of the whole result, streamed from the server', () => {
  const home = tempHome();
  const engine = createEngine({ home: home.dir, mode: 'web' });
  afterAll(async () => {
    await engine.close();
    home.cleanup();
  });

  it.each([
    ['postgres', postgresUrl('ss_w200')],
    ['mysql', mysqlUrl('ss_w200')],
  ] as const)('%s: every row in pages, NULL distinct from empty, quoting intact', async (engineName, url) => {
    const { id } = engine.sources.add({ name: engineName, url });
    const connection = await engine.sources.connection(id);
    const file = path.join(home.dir, `${engineName}.csv`);
    const result = await exportCsv(engine.door, connection, SERIES[engineName], file, { pageRows: 400 });
    expect(result).toMatchObject({ file, rows: 2500, capped: false });
    const text = readFileSync(file, 'utf8');
    expect(result.bytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith('id,t\r\n1,""\r\n2,"a,""b""\nc"\r\n3,\r\n4,""\r\n')).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2501);
    expect(text.endsWith('2499,\r\n2500,""\r\n')).toBe(true);
  });

  it('stops at the row cap and says so; refused SQL writes nothing and names the reason', async () => {
    const { id } = engine.sources.add({ name: 'cap', url: postgresUrl('ss_w200') });
    const connection = await engine.sources.connection(id);
    const capped = await exportCsv(engine.door, connection, SERIES.postgres, path.join(home.dir, 'capped.csv'), {
      pageRows: 300,
      maxRows: 1000,
    });
    expect(capped).toMatchObject({ rows: 1000, capped: true });
    const refused = await dispatch(engine.handlers, 'query/export', {
      sourceId: id,
      sql: 'DELETE FROM t0001_cust_acct',
    });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'read_only_violation' } });
    const through = await dispatch(engine.handlers, 'query/export', {
      sourceId: id,
      sql: 'SELECT id FROM t0001_cust_acct ORDER BY id',
    });
    expect(through.ok, JSON.stringify(through)).toBe(true);
    const value = (through as { ok: true; value: { file: string; rows: number } }).value;
    expect(value.file.startsWith(path.join(home.dir, 'exports'))).toBe(true);
    expect(readFileSync(value.file, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(value.rows + 1);
  });
});
