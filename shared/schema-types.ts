/** Readonly metadata produced by every dialect's introspector and stored in the catalog. */

export type Engine = 'sqlite' | 'mysql' | 'postgres';

export interface ColumnInfo {
  readonly name: string;
  readonly ordinal: number;
  readonly type: string;
  readonly nullable: boolean;
  readonly defaultValue: string | null;
  readonly comment: string | null;
}

export interface ForeignKeyInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refSchema: string;
  readonly refTable: string;
  readonly refColumns: readonly string[];
}

export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
}

export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'view';
  readonly comment: string | null;
  readonly rowEstimate: number | null;
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly indexes: readonly IndexInfo[];
}

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

export interface SnapshotCounts {
  readonly tables: number;
  readonly views: number;
  readonly columns: number;
  readonly foreignKeys: number;
  readonly indexes: number;
}

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
