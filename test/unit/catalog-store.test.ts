import { CATALOG_MIGRATIONS } from '../../electron/engine/catalog/catalog-migrations.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SchemaSnapshot, TableInfo } from '../../shared/schema-types.ts';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { tempHome } from '../helpers/temp-home.ts';

function table(name: string, columns: string[], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    schema: 'main',
    name,
    kind: 'table',
    comment: null,
    rowEstimate: 10,
    columns: columns.map((column, index) => ({
      name: column,
      ordinal: index + 1,
      type: 'INTEGER',
      nullable: true,
      defaultValue: null,
      comment: null,
    })),
    primaryKey: [columns[0]!],
    foreignKeys: [],
    indexes: [],
    ...extra,
  };
}

function snapshot(tables: TableInfo[]): SchemaSnapshot {
  return { engine: 'sqlite', database: 'x', schemas: ['main'], tables, warnings: [] };
}

describe('CatalogStore', () => {
  let home: ReturnType<typeof tempHome>;
  let catalog: CatalogStore;

  beforeEach(() => {
    home = tempHome();
    catalog = new CatalogStore(path.join(home.dir, 'catalog.db'));
    catalog.upsertSource({ id: 's1', name: 'one', engine: 'sqlite', displayUrl: 'sqlite:/x.db', isDemo: false });
  });
  afterEach(() => {
    catalog.close();
    home.cleanup();
  });

  it('runs its migrations once, in WAL mode, with the composite indexes', () => {
    expect(catalog.schemaVersion).toBe(CATALOG_MIGRATIONS.at(-1)!.version);
    expect(catalog.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const indexes = (
      catalog.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL`).all() as {
        name: string;
      }[]
    ).map((row) => row.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'catalog_tables_by_source_table',
        'catalog_columns_by_source_column',
        'catalog_foreign_keys_by_target',
        'query_history_by_source',
      ]),
    );
    catalog.close();
    catalog = new CatalogStore(path.join(home.dir, 'catalog.db')); // reopening applies nothing twice
    expect(catalog.schemaVersion).toBe(CATALOG_MIGRATIONS.at(-1)!.version);
    expect((catalog.db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      CATALOG_MIGRATIONS.length,
    );
  });

  it('stores a snapshot and rebuilds it exactly', () => {
    const fk = { name: 'fk1', columns: ['b_id'], refSchema: 'main', refTable: 'b', refColumns: ['id'] };
    const original = snapshot([
      table('a', ['id', 'b_id'], {
        foreignKeys: [fk],
        indexes: [{ name: 'ix', columns: ['b_id'], unique: false, primary: false }],
      }),
      table('b', ['id', 'name']),
    ]);
    const { snapshot: saved, diff } = catalog.saveSnapshot('s1', original, { queries: 6, ms: 3 });
    expect(diff.added).toEqual(['main.a', 'main.b']);
    expect(catalog.loadSnapshot(saved.id).tables).toEqual(original.tables);
    expect(catalog.incomingForeignKeys(saved.id, 'main', 'b')).toEqual([
      { schema: 'main', table: 'a', foreignKey: fk },
    ]);
    expect(catalog.countSnapshot(saved.id)).toEqual({ tables: 2, views: 0, columns: 4, foreignKeys: 1, indexes: 1 });
  });

  it('diffs tables and columns against the previous snapshot; an unchanged schema writes nothing new', () => {
    const first = catalog.saveSnapshot(
      's1',
      snapshot([table('a', ['id', 'x']), table('b', ['id']), table('c', ['id'])]),
      { queries: 1, ms: 1 },
    );
    const same = catalog.saveSnapshot(
      's1',
      snapshot([table('a', ['id', 'x']), table('b', ['id']), table('c', ['id'])]),
      { queries: 1, ms: 1 },
    );
    expect(same.snapshot.id).toBe(first.snapshot.id);
    expect(same.diff).toMatchObject({ added: [], removed: [], changed: [], unchanged: 3 });

    const changedColumns = table('a', ['id', 'y']);
    const next = catalog.saveSnapshot('s1', snapshot([changedColumns, table('b', ['id']), table('d', ['id'])]), {
      queries: 1,
      ms: 1,
    });
    expect(next.snapshot.id).toBeGreaterThan(first.snapshot.id);
    expect(next.diff).toMatchObject({ added: ['main.d'], removed: ['main.c'], changed: ['main.a'], unchanged: 1 });
    expect(next.diff.columns).toEqual({ added: ['main.a.y', 'main.d.id'], removed: ['main.a.x'], changed: [] });
  });

  it('keeps a bounded number of snapshots per source', () => {
    for (let version = 0; version < 6; version += 1)
      catalog.saveSnapshot('s1', snapshot([table(`t${version}`, ['id'])]), { queries: 1, ms: 1 });
    const count = (
      catalog.db.prepare('SELECT count(*) AS n FROM snapshots WHERE source_id = ?').get('s1') as { n: number }
    ).n;
    expect(count).toBe(3);
    const orphanTables = (
      catalog.db
        .prepare('SELECT count(*) AS n FROM catalog_tables WHERE snapshot_id NOT IN (SELECT id FROM snapshots)')
        .get() as { n: number }
    ).n;
    expect(orphanTables).toBe(0);
  });

  it('has no place for passwords', () => {
    const columns = (
      catalog.db
        .prepare(
          `SELECT group_concat(p.name) AS names FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`,
        )
        .get() as { names: string }
    ).names;
    expect(columns).not.toMatch(/pass|secret|token/i);
    const migrations = readFileSync(
      new URL('../../electron/engine/catalog/catalog-migrations.ts', import.meta.url),
      'utf8',
    );
    expect(migrations).not.toMatch(/password/i);
  });

  it('answers not_found for an unknown source', () => {
    expect(() => catalog.getSource('nope')).toThrow(expect.objectContaining({ kind: 'not_found' }));
  });
});
