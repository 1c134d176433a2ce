import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { tableFingerprint } from '../../electron/engine/catalog/table-fingerprint.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings, type SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { postgresDialect } from '../../electron/engine/sources/postgres/postgres-pool.ts';
import { POSTGRES, postgresUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

/**
 * Issue #17: values that change in real use. A table whose row count changes (and whose statistics the server
 * refreshes) must not make a new snapshot on every refresh: the kept snapshot takes the new estimate in place.
 */

const DATABASE = 'ss_safety_estimates';
const home = tempHome('schemascope-estimates-');
let catalog: CatalogStore;
let connection: SourceConnection;

async function admin(sql: string, database = DATABASE): Promise<void> {
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE}`, 'postgres');
  await admin(`CREATE DATABASE ${DATABASE}`, 'postgres');
  await admin(
    'CREATE TABLE events (id int PRIMARY KEY, note text); INSERT INTO events SELECT g, g::text FROM generate_series(1, 10) g; ANALYZE events',
  );
  catalog = new CatalogStore(path.join(home.dir, 'catalog.db'));
  catalog.upsertSource({
    id: 'busy',
    name: 'busy',
    engine: 'postgres',
    displayUrl: postgresUrl(DATABASE),
    isDemo: false,
  });
  connection = await postgresDialect.connect(parseConnectionUrl(postgresUrl(DATABASE)), resolvePoolSettings());
});

afterAll(async () => {
  await connection?.close();
  catalog?.close();
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`, 'postgres');
  home.cleanup();
});

describe('a refresh where only row estimates changed', () => {
  it('writes no new snapshot; the kept one shows the new estimate', async () => {
    const first = await connection.introspect();
    const saved = catalog.saveSnapshot('busy', first.snapshot, first.stats);
    const estimateOf = (snapshotId: number) =>
      catalog.listTables(snapshotId).find((table) => table.name === 'events')!.rowEstimate;
    expect(estimateOf(saved.snapshot.id)).toBe(10);

    await admin('INSERT INTO events SELECT g, g::text FROM generate_series(11, 25000) g; ANALYZE events');
    const second = await connection.introspect();
    const events = (snapshot: typeof first.snapshot) => snapshot.tables.find((table) => table.name === 'events')!;
    expect(events(second.snapshot).rowEstimate).toBe(25_000); // the server's estimate really moved
    expect(tableFingerprint(events(second.snapshot))).toBe(tableFingerprint(events(first.snapshot)));

    const refreshed = catalog.saveSnapshot('busy', second.snapshot, second.stats);
    expect(refreshed.snapshot.id).toBe(saved.snapshot.id);
    expect(refreshed.diff).toMatchObject({ added: [], removed: [], changed: [] });
    expect(catalog.snapshotIds('busy')).toEqual([saved.snapshot.id]);
    expect(estimateOf(saved.snapshot.id)).toBe(25_000);
  });

  it('a real change (a new column) still writes a new snapshot', async () => {
    const before = catalog.latestSnapshot('busy')!.id;
    await admin('ALTER TABLE events ADD COLUMN seen_at timestamptz');
    const third = await connection.introspect();
    const saved = catalog.saveSnapshot('busy', third.snapshot, third.stats);
    expect(saved.snapshot.id).not.toBe(before);
    expect(saved.diff.changed).toEqual(['public.events']);
  });
});
