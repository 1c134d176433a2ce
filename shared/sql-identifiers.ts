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
