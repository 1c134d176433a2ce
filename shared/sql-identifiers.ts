/**
 * Identifier quoting, the one rule for the SQL the app writes (samples, the editor's first statement) and for the
 * names shown to a language model. Any name a database can hold must come out as a valid identifier.
 */
export type SqlEngine = 'sqlite' | 'mysql' | 'postgres';

/**
 * Words reserved in at least one of the three dialects (and the common SQL ones): such a name must be quoted, or the
 * statement `SELECT * FROM order` fails.
 */
const RESERVED = new Set(
  `add all alter analyze and any array as asc asymmetric authorization between binary both by call cascade case cast
  check collate column constraint create cross current_catalog current_date current_role current_schema current_time
  current_timestamp current_user database databases default deferrable delete desc describe distinct div do drop else
  end except exists explain false fetch for foreign freeze from full glob grant group having ilike in index initially
  inner insert intersect interval into is isnull join key keys kill lateral leading left like limit localtime
  localtimestamp match natural not notnull null offset on only or order outer over overlaps partition placing primary
  range references regexp rename replace restrict returning right rlike row rows schema select session_user similar
  some symmetric table tablesample then to trailing true union unique update usage user using values variadic verbose
  view when where window with`.split(/\s+/),
);

/** Always quoted: `"name"` (PostgreSQL, SQLite) or `` `name` `` (MySQL/MariaDB), with the quote character doubled. */
export function quoteIdentifier(engine: SqlEngine, identifier: string): string {
  if (engine === 'mysql') return `\`${identifier.replaceAll('`', '``')}\``;
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Quoted only where it must be: anything but a plain lower-case word (PostgreSQL folds unquoted names to lower
 * case, so `CustomerID` must be quoted there), or a reserved word.
 */
export function quoteIdentifierIfNeeded(engine: SqlEngine, identifier: string): string {
  const plain = engine === 'postgres' ? /^[a-z_][a-z0-9_$]*$/ : /^[A-Za-z_][A-Za-z0-9_$]*$/;
  if (plain.test(identifier) && !RESERVED.has(identifier.toLowerCase())) return identifier;
  return quoteIdentifier(engine, identifier);
}

/**
 * A table as the SQL the app writes names it: schema-qualified on the servers (a PostgreSQL table outside `public`
 * is not found by its bare name; a MySQL schema is a database), the bare name in SQLite, whose one schema is `main`.
 *
 * @example tableReference('postgres', 'Sales Data', 'order') // '"Sales Data"."order"'
 */
export function tableReference(engine: SqlEngine, schema: string, name: string): string {
  if (engine === 'sqlite') return quoteIdentifier(engine, name);
  return `${quoteIdentifier(engine, schema)}.${quoteIdentifier(engine, name)}`;
}

/**
 * Whether an unqualified name finds a table of this schema on a fresh connection: SQLite's `main`, MySQL's schema
 * (the connection's database), PostgreSQL's `public` (on the default search path). Elsewhere the schema must be written.
 */
export function schemaIsImplicit(engine: SqlEngine, schema: string): boolean {
  return engine !== 'postgres' || schema === 'public';
}

/**
 * The first statement of the SQL editor for an opened table. Written briefly (quoted only where needed) but always
 * runnable: qualified when the schema is not found implicitly, or when the source has several schemas.
 *
 * @example openTableSql('postgres', { schema: 'hr', name: 'Order' }, 1) // 'SELECT * FROM hr."Order"'
 */
export function openTableSql(
  engine: SqlEngine,
  table: { readonly schema: string; readonly name: string },
  schemaCount: number,
): string {
  const qualified = schemaCount > 1 || !schemaIsImplicit(engine, table.schema);
  const name = quoteIdentifierIfNeeded(engine, table.name);
  return `SELECT * FROM ${qualified ? `${quoteIdentifierIfNeeded(engine, table.schema)}.${name}` : name}`;
}
