import type {
  ColumnInfo,
  ForeignKeyInfo,
  IndexInfo,
  SchemaSnapshot,
  TableInfo,
} from '../../../../shared/schema-types.ts';
import type { SqliteDatabase } from '../../platform/open-sqlite.ts';
import { groupBy } from '../../platform/group-by.ts';
import type { Introspection } from '../dialect.ts';
import { parseDdlComments } from './sqlite-ddl-comments.ts';

interface RelationRow {
  name: string;
  type: 'table' | 'view';
  sql: string | null;
}
interface ColumnRow {
  tbl: string;
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface ForeignKeyRow {
  tbl: string;
  id: number;
  seq: number;
  ref_table: string;
  from_col: string;
  to_col: string | null;
}
interface IndexRow {
  tbl: string;
  idx: string;
  is_unique: number;
  origin: string;
  seqno: number;
  col: string | null;
}

const USER_OBJECTS = `m.type IN ('table','view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/**
 * Introspects a SQLite file with six set-based queries, whatever the table count: the pragma table-valued
 * functions joined to sqlite_schema return every table's columns, keys and indexes at once.
 */
export function introspectSqlite(db: SqliteDatabase, database: string): Introspection {
  const started = performance.now();
  let queries = 0;
  const all = <T>(sql: string): T[] => {
    queries += 1;
    return db.prepare(sql).all() as T[];
  };

  const relations = all<RelationRow>(
    `SELECT m.name, m.type, m.sql FROM sqlite_schema m WHERE ${USER_OBJECTS} ORDER BY m.name`,
  );
  const columns = all<ColumnRow>(
    `SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
       FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE ${USER_OBJECTS} ORDER BY m.name, p.cid`,
  );
  const foreignKeys = all<ForeignKeyRow>(
    `SELECT m.name AS tbl, f.id, f.seq, f."table" AS ref_table, f."from" AS from_col, f."to" AS to_col
       FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`,
  );
  const indexes = all<IndexRow>(
    `SELECT m.name AS tbl, il.name AS idx, il."unique" AS is_unique, il.origin, ii.seqno, ii.name AS col
       FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii
      WHERE m.type = 'table' AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno`,
  );
  const estimates = new Map<string, number>();
  const hasStats = all<{ n: number }>(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'sqlite_stat1'`)[0]!.n > 0;
  if (hasStats) {
    for (const row of all<{ tbl: string; stat: string }>(`SELECT tbl, stat FROM sqlite_stat1`)) {
      const count = Number.parseInt(row.stat, 10);
      if (Number.isFinite(count)) estimates.set(row.tbl, Math.max(estimates.get(row.tbl) ?? 0, count));
    }
  }

  const columnsByTable = groupBy(columns, (row) => row.tbl);
  const fksByTable = groupBy(foreignKeys, (row) => row.tbl);
  const indexesByTable = groupBy(indexes, (row) => row.tbl);

  const primaryKeyOf = (table: string): string[] =>
    (columnsByTable.get(table) ?? [])
      .filter((column) => column.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((column) => column.name);

  const tables: TableInfo[] = relations.map((relation) => {
    const comments = parseDdlComments(relation.sql);
    const columnInfos: ColumnInfo[] = (columnsByTable.get(relation.name) ?? [])
      .filter((row) => row.hidden === 0 || row.hidden === 2 || row.hidden === 3)
      .map((row, index) => ({
        name: row.name,
        ordinal: index + 1,
        type: row.type || 'ANY',
        nullable: row.notnull === 0 && row.pk === 0,
        defaultValue: row.dflt_value,
        comment: comments.columns.get(row.name) ?? null,
      }));
    const fkGroups = groupBy(fksByTable.get(relation.name) ?? [], (row) => String(row.id));
    const fks: ForeignKeyInfo[] = [...fkGroups.values()].map((rows) => {
      const refTable = rows[0]!.ref_table;
      const refPk = primaryKeyOf(refTable);
      return {
        name: `fk_${relation.name}_${rows[0]!.id}`,
        columns: rows.map((row) => row.from_col),
        refSchema: 'main',
        refTable,
        refColumns: rows.map((row, index) => row.to_col ?? refPk[index] ?? 'rowid'),
      };
    });
    const indexGroups = groupBy(indexesByTable.get(relation.name) ?? [], (row) => row.idx);
    const indexInfos: IndexInfo[] = [...indexGroups.values()].map((rows) => ({
      name: rows[0]!.idx,
      columns: rows.map((row) => row.col ?? '<expression>'),
      unique: rows[0]!.is_unique === 1,
      primary: rows[0]!.origin === 'pk',
    }));
    return {
      schema: 'main',
      name: relation.name,
      kind: relation.type,
      comment: comments.table,
      rowEstimate: estimates.get(relation.name) ?? null,
      columns: columnInfos,
      primaryKey: primaryKeyOf(relation.name),
      foreignKeys: fks,
      indexes: indexInfos,
    };
  });

  const snapshot: SchemaSnapshot = { engine: 'sqlite', database, schemas: ['main'], tables, warnings: [] };
  return { snapshot, stats: { queries, ms: performance.now() - started } };
}
