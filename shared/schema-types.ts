/** Readonly metadata produced by every dialect's introspector and stored in the catalog. */
import { z } from 'zod';

export const engine = z.enum(['sqlite', 'mysql', 'postgres']);
export type Engine = z.output<typeof engine>;

// The wire schemas are the one source of truth: the types below are inferred from them, readonly all the way down.
export const columnInfo = z.object({
  name: z.string(),
  ordinal: z.number(),
  type: z.string(),
  nullable: z.boolean(),
  defaultValue: z.string().nullable(),
  comment: z.string().nullable(),
});

export const foreignKeyInfo = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  refSchema: z.string(),
  refTable: z.string(),
  refColumns: z.array(z.string()),
});

export const indexInfo = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  unique: z.boolean(),
  primary: z.boolean(),
});

export const tableInfo = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.enum(['table', 'view']),
  comment: z.string().nullable(),
  rowEstimate: z.number().nullable(),
  columns: z.array(columnInfo),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(foreignKeyInfo),
  indexes: z.array(indexInfo),
});

export type ColumnInfo = DeepReadonly<z.output<typeof columnInfo>>;
export type ForeignKeyInfo = DeepReadonly<z.output<typeof foreignKeyInfo>>;
export type IndexInfo = DeepReadonly<z.output<typeof indexInfo>>;
export type TableInfo = DeepReadonly<z.output<typeof tableInfo>>;

export interface SchemaSnapshot {
  readonly engine: Engine;
  readonly database: string;
  readonly schemas: readonly string[];
  readonly tables: readonly TableInfo[];
  /** Objects the connected user may not read; introspection reports them instead of failing. */
  readonly warnings: readonly string[];
}

export interface IntrospectionStats {
  /** Catalog queries issued: constant whatever the table count. */
  readonly queries: number;
  readonly ms: number;
}

/** How much a snapshot holds (the wire schema is the source of truth). */
export const snapshotCounts = z.object({
  tables: z.number(),
  views: z.number(),
  columns: z.number(),
  foreignKeys: z.number(),
  indexes: z.number(),
});
export type SnapshotCounts = DeepReadonly<z.output<typeof snapshotCounts>>;

/** `schema.table`, as diffs and the UI show a table. Not unique when names hold dots: see {@link tableId}. */
export function tableKey(table: { readonly schema: string; readonly name: string }): string {
  return `${table.schema}.${table.name}`;
}

/**
 * A table's identity as a map key: unique whatever the names hold (`a.b`.`c` and `a`.`b.c` differ), because no
 * database allows NUL in an identifier.
 */
export function tableId(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

/** Readonly all the way down: engine metadata is readonly, and handlers may return it as is. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
