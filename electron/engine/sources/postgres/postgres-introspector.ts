import type { SchemaSnapshot, TableInfo } from '../../../../shared/schema-types.ts';
import { groupBy } from '../../platform/group-by.ts';
import type { Introspection } from '../dialect.ts';

export type PostgresCatalogQuery = <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

interface RelationRow {
  oid: number;
  s: string;
  t: string;
  kind: string;
  comment: string | null;
  estimate: number | null;
  readable: boolean;
}
interface ColumnRow {
  oid: number;
  name: string;
  ordinal: number;
  type: string;
  notnull: boolean;
  dflt: string | null;
  comment: string | null;
}
interface ConstraintRow {
  oid: number;
  name: string;
  type: 'p' | 'f';
  cols: string[];
  rs: string | null;
  rt: string | null;
  rcols: string[] | null;
}
interface IndexRow {
  oid: number;
  name: string;
  unique: boolean;
  primary: boolean;
  cols: string[];
}

/**
 * Introspects PostgreSQL with four set-based pg_catalog queries (pg_catalog is orders of magnitude faster than
 * information_schema joins): relations, columns, key constraints and indexes, for every user schema at once.
 * `schemas` restricts to some schemas (URL option `?schema=a,b`).
 */
export async function introspectPostgres(
  query: PostgresCatalogQuery,
  database: string,
  schemas: readonly string[],
): Promise<Introspection> {
  const started = performance.now();
  let queries = 0;
  const schemaFilter = schemas.length > 0 ? `AND n.nspname = ANY($1::text[])` : '';
  const params = schemas.length > 0 ? [schemas] : [];
  const run = <T>(sql: string): Promise<T[]> => {
    queries += 1;
    return query<T>(sql, params);
  };

  const relations = await run<RelationRow>(
    `SELECT c.oid::int8::float8 AS oid, n.nspname AS s, c.relname AS t, c.relkind AS kind,
            obj_description(c.oid, 'pg_class') AS comment,
            CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS estimate,
            has_table_privilege(c.oid, 'SELECT') AS readable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND ${USER_SCHEMAS} ${schemaFilter}
      ORDER BY n.nspname, c.relname`,
  );
  const columns = await run<ColumnRow>(
    `SELECT a.attrelid::int8::float8 AS oid, a.attname AS name, a.attnum AS ordinal,
            format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS dflt, col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMAS} ${schemaFilter}
      ORDER BY a.attrelid, a.attnum`,
  );
  const constraints = await run<ConstraintRow>(
    `SELECT con.conrelid::int8::float8 AS oid, con.conname AS name, con.contype AS type,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS cols,
            fn.nspname AS rs, fc.relname AS rt,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS rcols
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE con.contype IN ('p', 'f') AND ${USER_SCHEMAS} ${schemaFilter}
      ORDER BY con.conrelid, con.conname`,
  );
  const indexes = await run<IndexRow>(
    `SELECT i.indrelid::int8::float8 AS oid, ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
            ARRAY(SELECT CASE WHEN k.num = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) ELSE a.attname END
                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[] AS cols
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_SCHEMAS} ${schemaFilter}
      ORDER BY i.indrelid, ic.relname`,
  );

  const byOid = <T extends { oid: number }>(rows: T[]): Map<string, T[]> => groupBy(rows, (row) => String(row.oid));
  const columnsOf = byOid(columns);
  const constraintsOf = byOid(constraints);
  const indexesOf = byOid(indexes);
  const warnings: string[] = [];

  const tables: TableInfo[] = relations.map((relation) => {
    const own = constraintsOf.get(String(relation.oid)) ?? [];
    if (!relation.readable)
      warnings.push(
        `No SELECT privilege on ${relation.s}.${relation.t}: its structure is listed, its rows cannot be read.`,
      );
    return {
      schema: relation.s,
      name: relation.t,
      kind: relation.kind === 'v' || relation.kind === 'm' ? 'view' : 'table',
      comment: relation.comment,
      rowEstimate: relation.estimate === null ? null : Math.round(relation.estimate),
      columns: (columnsOf.get(String(relation.oid)) ?? []).map((column) => ({
        name: column.name,
        ordinal: column.ordinal,
        type: column.type,
        nullable: !column.notnull,
        defaultValue: column.dflt,
        comment: column.comment,
      })),
      primaryKey: own.find((constraint) => constraint.type === 'p')?.cols ?? [],
      foreignKeys: own
        .filter((constraint) => constraint.type === 'f')
        .map((constraint) => ({
          name: constraint.name,
          columns: constraint.cols,
          refSchema: constraint.rs ?? '',
          refTable: constraint.rt ?? '',
          refColumns: constraint.rcols ?? [],
        })),
      indexes: (indexesOf.get(String(relation.oid)) ?? []).map((index) => ({
        name: index.name,
        columns: index.cols,
        unique: index.unique,
        primary: index.primary,
      })),
    };
  });

  const snapshot: SchemaSnapshot = {
    engine: 'postgres',
    database,
    schemas: [...new Set(tables.map((table) => table.schema))],
    tables,
    warnings,
  };
  return { snapshot, stats: { queries, ms: performance.now() - started } };
}
