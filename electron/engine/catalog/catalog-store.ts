import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type {
  ColumnInfo,
  Engine,
  ForeignKeyInfo,
  IndexInfo,
  SchemaSnapshot,
  SnapshotCounts,
  TableInfo,
} from '../../../shared/schema-types.ts';
import { tableId, tableKey } from '../../../shared/schema-types.ts';
import { groupBy } from '../platform/group-by.ts';
import { openSqlite, type SqliteDatabase } from '../platform/open-sqlite.ts';
import { CATALOG_MIGRATIONS } from './catalog-migrations.ts';
import { columnFingerprint, tableFingerprint } from './table-fingerprint.ts';

export interface SourceRecord {
  readonly id: string;
  readonly name: string;
  readonly engine: Engine;
  readonly displayUrl: string;
  readonly isDemo: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SnapshotRecord {
  readonly id: number;
  readonly sourceId: string;
  readonly takenAt: string;
  /** Last time a live introspection found the schema unchanged. */
  readonly verifiedAt: string;
  readonly database: string;
  readonly schemas: readonly string[];
  readonly warnings: readonly string[];
  readonly tableCount: number;
  readonly columnCount: number;
  readonly queries: number;
  readonly ms: number;
}

export interface SnapshotDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly unchanged: number;
  /** `schema.table.column` keys, for the tables that changed (and all columns of added/removed tables). */
  readonly columns: { readonly added: string[]; readonly removed: string[]; readonly changed: string[] };
}

export interface TableSummaryRecord {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'view';
  readonly comment: string | null;
  readonly rowEstimate: number | null;
  readonly columnCount: number;
  readonly fingerprint: string;
}

/** How many snapshots a source keeps: the catalog is bounded like every other store. */
const SNAPSHOTS_KEPT = 3;
/** Distinct type names shared while a snapshot loads (bounded: a schema of strangers may have a type per column). */
const MAX_SHARED_TYPE_NAMES = 10_000;

/**
 * The on-disk catalog (better-sqlite3, WAL, versioned migrations): sources without secrets, schema snapshots with
 * a fingerprint per table, and everything needed to browse and search a schema offline.
 */
export class CatalogStore {
  readonly db: SqliteDatabase;

  /** `readonly` opens an existing catalog for reading only (the indexer worker), without migrating it. */
  constructor(file: string, options: { readonly?: boolean } = {}) {
    try {
      if (options.readonly) {
        this.db = openSqlite(file, { readonly: true, fileMustExist: true });
        return;
      }
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      this.db = openSqlite(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.#migrate();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (file !== ':memory:' && !writable(path.dirname(file))) {
        throw new AppError(
          'storage',
          `Cannot open the catalog at ${file}: the data folder is read-only. Make it writable or choose another folder (--home or SCHEMASCOPE_HOME).`,
          reason,
        );
      }
      throw new AppError('storage', `Cannot open the catalog at ${file}: ${reason}`);
    }
  }

  static file(home: string): string {
    return path.join(home, 'catalog.db');
  }

  get schemaVersion(): number {
    return (this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  close(): void {
    this.db.close();
  }

  // ---- sources -------------------------------------------------------------------------------------------------

  listSources(): SourceRecord[] {
    return (
      this.db.prepare('SELECT * FROM sources ORDER BY is_demo DESC, name COLLATE NOCASE').all() as SourceRow[]
    ).map(toSource);
  }

  getSource(id: string): SourceRecord {
    const row = this.db.prepare('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
    if (!row) throw new AppError('not_found', `No source with id "${id}".`);
    return toSource(row);
  }

  findSourceByUrl(displayUrl: string): SourceRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM sources WHERE display_url = ? ORDER BY created_at LIMIT 1')
      .get(displayUrl) as SourceRow | undefined;
    return row ? toSource(row) : undefined;
  }

  upsertSource(source: Omit<SourceRecord, 'createdAt' | 'updatedAt'>): SourceRecord {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO sources (id, name, engine, display_url, is_demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, engine = excluded.engine, display_url = excluded.display_url, updated_at = excluded.updated_at`,
      )
      .run(source.id, source.name, source.engine, source.displayUrl, source.isDemo ? 1 : 0, now, now);
    return this.getSource(source.id);
  }

  removeSource(id: string): boolean {
    return this.db.prepare('DELETE FROM sources WHERE id = ?').run(id).changes > 0;
  }

  // ---- snapshots -----------------------------------------------------------------------------------------------

  /** Ids of the snapshots a source keeps (at most SNAPSHOTS_KEPT). */
  snapshotIds(sourceId: string): number[] {
    return (
      this.db.prepare('SELECT id FROM snapshots WHERE source_id = ? ORDER BY id').all(sourceId) as { id: number }[]
    ).map((row) => row.id);
  }

  snapshotRecord(snapshotId: number): SnapshotRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(snapshotId) as SnapshotRow | undefined;
    return row ? toSnapshot(row) : undefined;
  }

  latestSnapshot(sourceId: string): SnapshotRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM snapshots WHERE source_id = ? ORDER BY id DESC LIMIT 1')
      .get(sourceId) as SnapshotRow | undefined;
    return row ? toSnapshot(row) : undefined;
  }

  /**
   * Stores a live introspection. When no table's fingerprint changed, the latest snapshot is only marked verified
   * and takes the new row estimates (no rewrite of thousands of rows); otherwise a new snapshot is written in one transaction, the diff against the
   * previous one is returned, and snapshots beyond the few kept are dropped.
   */
  saveSnapshot(
    sourceId: string,
    snapshot: SchemaSnapshot,
    stats: { queries: number; ms: number },
  ): { snapshot: SnapshotRecord; diff: SnapshotDiff } {
    const fingerprints = new Map(
      snapshot.tables.map((table) => [tableId(table.schema, table.name), tableFingerprint(table)]),
    );
    const save = this.db.transaction(() => {
      const previous = this.latestSnapshot(sourceId);
      const previousFingerprints = previous
        ? this.#fingerprints(previous.id)
        : new Map<string, { shown: string; fingerprint: string }>();
      const diff = this.#diff(previous?.id, previousFingerprints, snapshot, fingerprints);
      const now = new Date().toISOString();
      if (previous && diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0) {
        this.db
          .prepare('UPDATE snapshots SET verified_at = ?, warnings_json = ?, queries = ?, ms = ? WHERE id = ?')
          .run(now, JSON.stringify(snapshot.warnings), stats.queries, stats.ms, previous.id);
        // Row estimates move with every insert and ANALYZE; they are not part of a table's fingerprint (a busy
        // database would write a snapshot per refresh), so the kept snapshot takes the new ones in place.
        const updateEstimate = this.db.prepare(
          'UPDATE catalog_tables SET row_estimate = ? WHERE snapshot_id = ? AND schema_name = ? AND table_name = ? AND row_estimate IS NOT ?',
        );
        for (const table of snapshot.tables)
          updateEstimate.run(table.rowEstimate, previous.id, table.schema, table.name, table.rowEstimate);
        return { snapshot: this.latestSnapshot(sourceId)!, diff };
      }
      const columnCount = snapshot.tables.reduce((sum, table) => sum + table.columns.length, 0);
      const snapshotId = Number(
        this.db
          .prepare(
            `INSERT INTO snapshots (source_id, taken_at, verified_at, database_name, schemas_json, warnings_json, table_count, column_count, queries, ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            sourceId,
            now,
            now,
            snapshot.database,
            JSON.stringify(snapshot.schemas),
            JSON.stringify(snapshot.warnings),
            snapshot.tables.length,
            columnCount,
            stats.queries,
            stats.ms,
          ).lastInsertRowid,
      );
      this.#insertTables(snapshotId, sourceId, snapshot.tables, fingerprints);
      const old = this.db
        .prepare('SELECT id FROM snapshots WHERE source_id = ? ORDER BY id DESC LIMIT -1 OFFSET ?')
        .all(sourceId, SNAPSHOTS_KEPT) as { id: number }[];
      for (const { id } of old) this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(id);
      return { snapshot: this.latestSnapshot(sourceId)!, diff };
    });
    return save.immediate();
  }

  countSnapshot(snapshotId: number): SnapshotCounts {
    return this.db
      .prepare(
        `SELECT (SELECT count(*) FROM catalog_tables WHERE snapshot_id = $id AND kind = 'table') AS tables,
                (SELECT count(*) FROM catalog_tables WHERE snapshot_id = $id AND kind = 'view') AS views,
                (SELECT count(*) FROM catalog_columns WHERE snapshot_id = $id) AS columns,
                (SELECT count(*) FROM catalog_foreign_keys WHERE snapshot_id = $id) AS foreignKeys,
                (SELECT count(*) FROM catalog_indexes WHERE snapshot_id = $id) AS indexes`,
      )
      .get({ id: snapshotId }) as SnapshotCounts;
  }

  listTables(snapshotId: number): TableSummaryRecord[] {
    return (
      this.db
        .prepare(
          `SELECT schema_name, table_name, kind, comment, row_estimate, column_count, fingerprint
             FROM catalog_tables WHERE snapshot_id = ? ORDER BY schema_name, table_name`,
        )
        .all(snapshotId) as TableRow[]
    ).map((row) => ({
      schema: row.schema_name,
      name: row.table_name,
      kind: row.kind as 'table' | 'view',
      comment: row.comment,
      rowEstimate: row.row_estimate,
      columnCount: row.column_count,
      fingerprint: row.fingerprint,
    }));
  }

  /** One table with its columns, keys and indexes, from a stored snapshot. */
  getTable(snapshotId: number, schema: string, table: string): TableInfo | undefined {
    const row = this.db
      .prepare('SELECT * FROM catalog_tables WHERE snapshot_id = ? AND schema_name = ? AND table_name = ?')
      .get(snapshotId, schema, table) as (TableRow & { primary_key_json: string }) | undefined;
    if (!row) return undefined;
    const columns = this.db
      .prepare(
        'SELECT * FROM catalog_columns WHERE snapshot_id = ? AND schema_name = ? AND table_name = ? ORDER BY ordinal',
      )
      .all(snapshotId, schema, table) as ColumnRow[];
    const foreignKeys = this.db
      .prepare(
        'SELECT * FROM catalog_foreign_keys WHERE snapshot_id = ? AND schema_name = ? AND table_name = ? ORDER BY rowid',
      )
      .all(snapshotId, schema, table) as ForeignKeyRow[];
    const indexes = this.db
      .prepare('SELECT * FROM catalog_indexes WHERE snapshot_id = ? AND schema_name = ? AND table_name = ?')
      .all(snapshotId, schema, table) as IndexRow[];
    return assembleTable(
      row,
      columns.map((column) => toColumn(column)),
      foreignKeys,
      indexes,
    );
  }

  /** Foreign keys of other tables that point at this one. */
  incomingForeignKeys(
    snapshotId: number,
    schema: string,
    table: string,
  ): { schema: string; table: string; foreignKey: ForeignKeyInfo }[] {
    const rows = this.db
      .prepare('SELECT * FROM catalog_foreign_keys WHERE snapshot_id = ? AND ref_schema = ? AND ref_table = ?')
      .all(snapshotId, schema, table) as ForeignKeyRow[];
    return rows.map((row) => ({ schema: row.schema_name, table: row.table_name, foreignKey: toForeignKey(row) }));
  }

  /** The whole snapshot, rebuilt with one query per object kind (never one per table). */
  loadSnapshot(snapshotId: number): SchemaSnapshot {
    const meta = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(snapshotId) as SnapshotRow | undefined;
    if (!meta) throw new AppError('not_found', `No snapshot ${snapshotId}.`);
    const source = this.getSource(meta.source_id);
    const tables = this.db
      .prepare('SELECT * FROM catalog_tables WHERE snapshot_id = ? ORDER BY schema_name, table_name')
      .all(snapshotId) as (TableRow & { primary_key_json: string })[];
    // tableId (JSON), not `schema NUL table`: names may hold NUL, and `a\0b`.`c` would meet `a`.`b\0c`.
    const key = (row: { schema_name: string; table_name: string }): string => tableId(row.schema_name, row.table_name);
    const columns = this.#columnsByTable(snapshotId, key);
    // In the order introspection gave them (the planner may read through the by-target index otherwise): a table's
    // fingerprint depends on the order of its foreign keys, and a reloaded snapshot must fingerprint the same.
    const fks = groupBy(
      this.db
        .prepare('SELECT * FROM catalog_foreign_keys WHERE snapshot_id = ? ORDER BY rowid')
        .all(snapshotId) as ForeignKeyRow[],
      key,
    );
    const indexes = groupBy(
      this.db
        .prepare('SELECT * FROM catalog_indexes WHERE snapshot_id = ? ORDER BY rowid')
        .all(snapshotId) as IndexRow[],
      key,
    );
    return {
      engine: source.engine,
      database: meta.database_name,
      schemas: JSON.parse(meta.schemas_json) as string[],
      warnings: JSON.parse(meta.warnings_json) as string[],
      tables: tables.map((row) =>
        assembleTable(row, columns.get(key(row)) ?? [], fks.get(key(row)) ?? [], indexes.get(key(row)) ?? []),
      ),
    };
  }

  /**
   * A snapshot's columns, grouped by table, read row by row: 500,000 row objects (W10k) are never held beside the
   * columns made of them, and the type names, repeated on most columns, are kept once each.
   */
  #columnsByTable(
    snapshotId: number,
    key: (row: { schema_name: string; table_name: string }) => string,
  ): Map<string, ColumnInfo[]> {
    const byTable = new Map<string, ColumnInfo[]>();
    const types = new Map<string, string>();
    const rows = this.db
      .prepare('SELECT * FROM catalog_columns WHERE snapshot_id = ? ORDER BY schema_name, table_name, ordinal')
      .iterate(snapshotId) as IterableIterator<ColumnRow>;
    let current: ColumnInfo[] = [];
    let currentKey: string | undefined;
    for (const row of rows) {
      const rowKey = key(row);
      if (rowKey !== currentKey) {
        currentKey = rowKey;
        current = byTable.get(rowKey) ?? [];
        byTable.set(rowKey, current);
      }
      let type = types.get(row.data_type);
      if (type === undefined) {
        type = row.data_type;
        if (types.size < MAX_SHARED_TYPE_NAMES) types.set(type, type);
      }
      current.push(toColumn(row, type));
    }
    return byTable;
  }

  /** Fingerprints of a stored snapshot by table id, with the name a diff shows. */
  #fingerprints(snapshotId: number): Map<string, { shown: string; fingerprint: string }> {
    const rows = this.db
      .prepare('SELECT schema_name, table_name, fingerprint FROM catalog_tables WHERE snapshot_id = ?')
      .all(snapshotId) as TableRow[];
    return new Map(
      rows.map((row) => [
        tableId(row.schema_name, row.table_name),
        { shown: `${row.schema_name}.${row.table_name}`, fingerprint: row.fingerprint },
      ]),
    );
  }

  #diff(
    previousId: number | undefined,
    before: Map<string, { shown: string; fingerprint: string }>,
    snapshot: SchemaSnapshot,
    after: Map<string, string>,
  ): SnapshotDiff {
    const added: string[] = [];
    const changed: string[] = [];
    let unchanged = 0;
    const columns = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
    for (const table of snapshot.tables) {
      const id = tableId(table.schema, table.name);
      const key = tableKey(table);
      const fingerprint = after.get(id)!;
      const old = before.get(id)?.fingerprint;
      if (old === undefined) {
        added.push(key);
        columns.added.push(...table.columns.map((column) => `${key}.${column.name}`));
      } else if (old !== fingerprint) {
        changed.push(key);
        const oldTable = previousId === undefined ? undefined : this.getTable(previousId, table.schema, table.name);
        const oldColumns = new Map((oldTable?.columns ?? []).map((column) => [column.name, columnFingerprint(column)]));
        for (const column of table.columns) {
          const oldFingerprint = oldColumns.get(column.name);
          if (oldFingerprint === undefined) columns.added.push(`${key}.${column.name}`);
          else if (oldFingerprint !== columnFingerprint(column)) columns.changed.push(`${key}.${column.name}`);
          oldColumns.delete(column.name);
        }
        columns.removed.push(...[...oldColumns.keys()].map((name) => `${key}.${name}`));
      } else {
        unchanged += 1;
      }
    }
    const removed = [...before].filter(([id]) => !after.has(id)).map(([, entry]) => entry.shown);
    return { added, removed, changed, unchanged, columns };
  }

  #insertTables(
    snapshotId: number,
    sourceId: string,
    tables: readonly TableInfo[],
    fingerprints: Map<string, string>,
  ): void {
    const insertTable = this.db.prepare(
      `INSERT INTO catalog_tables (snapshot_id, source_id, schema_name, table_name, kind, comment, row_estimate, column_count, primary_key_json, fingerprint)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertColumn = this.db.prepare(
      `INSERT INTO catalog_columns (snapshot_id, source_id, schema_name, table_name, ordinal, column_name, data_type, nullable, default_value, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertForeignKey = this.db.prepare(
      `INSERT INTO catalog_foreign_keys (snapshot_id, source_id, schema_name, table_name, name, columns_json, ref_schema, ref_table, ref_columns_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertIndex = this.db.prepare(
      `INSERT INTO catalog_indexes (snapshot_id, source_id, schema_name, table_name, name, columns_json, is_unique, is_primary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const table of tables) {
      insertTable.run(
        snapshotId,
        sourceId,
        table.schema,
        table.name,
        table.kind,
        table.comment,
        table.rowEstimate,
        table.columns.length,
        JSON.stringify(table.primaryKey),
        fingerprints.get(tableId(table.schema, table.name))!,
      );
      for (const column of table.columns) {
        insertColumn.run(
          snapshotId,
          sourceId,
          table.schema,
          table.name,
          column.ordinal,
          column.name,
          column.type,
          column.nullable ? 1 : 0,
          column.defaultValue,
          column.comment,
        );
      }
      for (const fk of table.foreignKeys) {
        insertForeignKey.run(
          snapshotId,
          sourceId,
          table.schema,
          table.name,
          fk.name,
          JSON.stringify(fk.columns),
          fk.refSchema,
          fk.refTable,
          JSON.stringify(fk.refColumns),
        );
      }
      for (const index of table.indexes) {
        insertIndex.run(
          snapshotId,
          sourceId,
          table.schema,
          table.name,
          index.name,
          JSON.stringify(index.columns),
          index.unique ? 1 : 0,
          index.primary ? 1 : 0,
        );
      }
    }
  }

  #migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (row) => row.version,
      ),
    );
    for (const migration of CATALOG_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db
        .transaction(() => {
          this.db.exec(migration.sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(migration.version, new Date().toISOString());
        })
        .immediate();
    }
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

interface SourceRow {
  id: string;
  name: string;
  engine: Engine;
  display_url: string;
  is_demo: number;
  created_at: string;
  updated_at: string;
}
interface SnapshotRow {
  id: number;
  source_id: string;
  taken_at: string;
  verified_at: string;
  database_name: string;
  schemas_json: string;
  warnings_json: string;
  table_count: number;
  column_count: number;
  queries: number;
  ms: number;
}
interface TableRow {
  schema_name: string;
  table_name: string;
  kind: string;
  comment: string | null;
  row_estimate: number | null;
  column_count: number;
  fingerprint: string;
}
interface ColumnRow {
  schema_name: string;
  table_name: string;
  ordinal: number;
  column_name: string;
  data_type: string;
  nullable: number;
  default_value: string | null;
  comment: string | null;
}
interface ForeignKeyRow {
  schema_name: string;
  table_name: string;
  name: string;
  columns_json: string;
  ref_schema: string;
  ref_table: string;
  ref_columns_json: string;
}
interface IndexRow {
  schema_name: string;
  table_name: string;
  name: string;
  columns_json: string;
  is_unique: number;
  is_primary: number;
}

function toSource(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    name: row.name,
    engine: row.engine,
    displayUrl: row.display_url,
    isDemo: row.is_demo === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSnapshot(row: SnapshotRow): SnapshotRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    takenAt: row.taken_at,
    verifiedAt: row.verified_at,
    database: row.database_name,
    schemas: JSON.parse(row.schemas_json) as string[],
    warnings: JSON.parse(row.warnings_json) as string[],
    tableCount: row.table_count,
    columnCount: row.column_count,
    queries: row.queries,
    ms: row.ms,
  };
}

function toForeignKey(row: ForeignKeyRow): ForeignKeyInfo {
  return {
    name: row.name,
    columns: JSON.parse(row.columns_json) as string[],
    refSchema: row.ref_schema,
    refTable: row.ref_table,
    refColumns: JSON.parse(row.ref_columns_json) as string[],
  };
}

function toColumn(row: ColumnRow, type = row.data_type): ColumnInfo {
  return {
    name: row.column_name,
    ordinal: row.ordinal,
    type,
    nullable: row.nullable === 1,
    defaultValue: row.default_value,
    comment: row.comment,
  };
}

function assembleTable(
  row: TableRow & { primary_key_json: string },
  columns: ColumnInfo[],
  fks: ForeignKeyRow[],
  indexes: IndexRow[],
): TableInfo {
  return {
    schema: row.schema_name,
    name: row.table_name,
    kind: row.kind as 'table' | 'view',
    comment: row.comment,
    rowEstimate: row.row_estimate,
    primaryKey: JSON.parse(row.primary_key_json) as string[],
    columns,
    foreignKeys: fks.map(toForeignKey),
    indexes: indexes.map((index): IndexInfo => ({
      name: index.name,
      columns: JSON.parse(index.columns_json) as string[],
      unique: index.is_unique === 1,
      primary: index.is_primary === 1,
    })),
  };
}
