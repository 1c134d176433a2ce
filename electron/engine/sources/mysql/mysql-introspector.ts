import type { ColumnInfo, SchemaSnapshot, TableInfo } from '../../../../shared/schema-types.ts';
import { groupBy } from '../../platform/group-by.ts';
import type { Introspection } from '../dialect.ts';

/** Runs one catalog query; the pool role provides it (a pooled, read-only connection). */
export type MysqlCatalogQuery = <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

interface TableRow {
  s: string;
  t: string;
  ty: string;
  c: string | null;
  r: number | string | null;
}
interface ColumnRow {
  s: string;
  t: string;
  n: string;
  o: number;
  ty: string;
  nl: string;
  d: string | null;
  c: string | null;
}
interface ForeignKeyRow {
  s: string;
  t: string;
  n: string;
  col: string;
  rs: string;
  rt: string;
  rc: string;
}
interface IndexRow {
  s: string;
  t: string;
  n: string;
  nu: number | string;
  col: string | null;
}

/**
 * Introspects MySQL/MariaDB with four set-based information_schema queries filtered by schema: tables, columns,
 * foreign keys and index columns, each pulled once for every table (never one query per table).
 */
export async function introspectMysql(
  query: MysqlCatalogQuery,
  database: string | undefined,
  isMariaDb: boolean,
): Promise<Introspection> {
  const started = performance.now();
  let queries = 0;
  const filter = database ? 'TABLE_SCHEMA = ?' : `TABLE_SCHEMA NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(',')})`;
  const params = database ? [database] : SYSTEM_SCHEMAS;
  const run = <T>(sql: string): Promise<T[]> => {
    queries += 1;
    return query<T>(sql, params);
  };

  // Issued one after another on purpose: each is set-based, and running them in parallel would take 4 connections.
  const tables = await run<TableRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS ty, TABLE_COMMENT AS c, TABLE_ROWS AS r
       FROM information_schema.TABLES WHERE ${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  );
  const columns = await run<ColumnRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS n, ORDINAL_POSITION AS o, COLUMN_TYPE AS ty,
            IS_NULLABLE AS nl, COLUMN_DEFAULT AS d, COLUMN_COMMENT AS c
       FROM information_schema.COLUMNS WHERE ${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
  );
  const foreignKeys = await run<ForeignKeyRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS n, COLUMN_NAME AS col,
            REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE ${filter} AND REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const indexes = await run<IndexRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS n, NON_UNIQUE AS nu, COLUMN_NAME AS col
       FROM information_schema.STATISTICS WHERE ${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );

  const key = (row: { s: string; t: string }): string => `${row.s}\u0000${row.t}`;
  const columnsByTable = groupBy(columns, key);
  const fksByTable = groupBy(foreignKeys, key);
  const indexesByTable = groupBy(indexes, key);

  const result: TableInfo[] = tables.map((row) => {
    const isView = row.ty === 'VIEW';
    const columnInfos: ColumnInfo[] = (columnsByTable.get(key(row)) ?? []).map((column) => ({
      name: column.n,
      ordinal: Number(column.o),
      type: column.ty,
      nullable: column.nl === 'YES',
      defaultValue: isMariaDb && column.d === 'NULL' ? null : column.d,
      comment: column.c ? column.c : null,
    }));
    const indexGroups = groupBy(indexesByTable.get(key(row)) ?? [], (index) => index.n);
    const primary = indexGroups.get('PRIMARY') ?? [];
    const fkGroups = groupBy(fksByTable.get(key(row)) ?? [], (fk) => fk.n);
    return {
      schema: row.s,
      name: row.t,
      kind: isView ? 'view' : 'table',
      comment: !isView && row.c ? row.c : null,
      rowEstimate: row.r === null || row.r === undefined ? null : Number(row.r),
      columns: columnInfos,
      primaryKey: primary.map((index) => index.col ?? ''),
      foreignKeys: [...fkGroups.values()].map((rows) => ({
        name: rows[0]!.n,
        columns: rows.map((fk) => fk.col),
        refSchema: rows[0]!.rs,
        refTable: rows[0]!.rt,
        refColumns: rows.map((fk) => fk.rc),
      })),
      indexes: [...indexGroups.values()].map((rows) => ({
        name: rows[0]!.n,
        columns: rows.map((index) => index.col ?? '<expression>'),
        unique: Number(rows[0]!.nu) === 0,
        primary: rows[0]!.n === 'PRIMARY',
      })),
    };
  });

  const schemas = [...new Set(result.map((table) => table.schema))];
  const snapshot: SchemaSnapshot = {
    engine: 'mysql',
    database: database ?? '',
    schemas: database && schemas.length === 0 ? [database] : schemas,
    tables: result,
    warnings: [],
  };
  return { snapshot, stats: { queries, ms: performance.now() - started } };
}
