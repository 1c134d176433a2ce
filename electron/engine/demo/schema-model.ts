/**
 * An engine-neutral description of a schema to generate: the demo database and the W200/W1000 workloads are
 * written from it into SQLite, MariaDB and PostgreSQL by schema-writer.ts.
 */

/** What a column holds; decides its SQL type per engine and how plausible values are made. */
export type ValueKind =
  | 'id'
  | 'int'
  | 'big'
  | 'money'
  | 'pct'
  | 'qty'
  | 'date'
  | 'ts'
  | 'str'
  | 'code'
  | 'text'
  | 'flag'
  | 'email'
  | 'phone'
  | 'person'
  | 'company'
  | 'city'
  | 'country'
  | 'currency'
  | 'status'
  | 'uuid'
  | 'blob';

export interface ModelColumn {
  readonly name: string;
  readonly kind: ValueKind;
  readonly nullable: boolean;
  readonly comment: string | null;
  /** Foreign key target table (its primary key `id`-like first column). */
  readonly ref?: string;
}

export interface ModelTable {
  readonly name: string;
  readonly comment: string | null;
  readonly columns: readonly ModelColumn[];
  /** Columns of the one secondary index, if any. */
  readonly index?: readonly string[];
  /** How many rows to generate. */
  readonly rows: number;
}

export interface ModelView {
  readonly name: string;
  /** SELECT body with identifiers quoted by the `q` function. */
  readonly select: (q: (identifier: string) => string) => string;
}

export interface SchemaModel {
  readonly tables: readonly ModelTable[];
  readonly views: readonly ModelView[];
}

const KINDS = new Set<string>([
  'id',
  'int',
  'big',
  'money',
  'pct',
  'qty',
  'date',
  'ts',
  'str',
  'code',
  'text',
  'flag',
  'email',
  'phone',
  'person',
  'company',
  'city',
  'country',
  'currency',
  'status',
  'uuid',
  'blob',
]);

/**
 * Parses the compact column notation used by the demo definitions:
 * `name:kind`, `name:kind?` (nullable), `name:kind>table` (foreign key), `... # comment`.
 */
export function column(spec: string): ModelColumn {
  const [head, ...commentParts] = spec.split(' # ');
  const comment = commentParts.length > 0 ? commentParts.join(' # ').trim() : null;
  const match = /^(.+):([a-z]+)(\?)?(?:>(.+))?$/.exec(head!.trim());
  if (!match) throw new TypeError(`Bad column spec "${spec}"`);
  const [, name, kind, optional, ref] = match;
  if (!KINDS.has(kind!)) throw new TypeError(`Unknown value kind "${kind}" in "${spec}"`);
  return { name: name!, kind: kind as ValueKind, nullable: optional === '?', comment, ...(ref ? { ref } : {}) };
}
