import fc from 'fast-check';
import { quoteIdentifier, tableReference, type SqlEngine } from '../../shared/sql-identifiers.ts';

/**
 * Generated hostile schemas for the property tests: names and comments that are Object.prototype property names,
 * SQL reserved words, non-ASCII, quotes, dots and spaces, and names exactly at each engine's length limit, each
 * still legal for the engine it is made for (the product must handle every name the database accepts; it need not
 * handle names the database refuses).
 */

/** Every name a plain-object lookup would find, plus the words that matter most. */
export const PROTOTYPE_WORDS = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), 'constructor', '__proto__', 'prototype']),
];

/** Reserved in at least one of the three dialects: `SELECT * FROM order` fails unquoted. */
export const RESERVED_WORDS = [
  'select',
  'from',
  'where',
  'order',
  'group',
  'table',
  'user',
  'key',
  'index',
  'limit',
  'default',
  'column',
  'check',
  'primary',
  'references',
  'values',
  'desc',
  'join',
  'null',
  'true',
  'all',
  'offset',
  'window',
  'range',
];

/** Pieces that break naive quoting, splitting or display. Astral characters (🦄) are left to PostgreSQL and SQLite. */
const FRAGMENTS = [
  "'",
  '"',
  '`',
  '.',
  ' ',
  '  ',
  '-',
  '--',
  '$',
  '\\',
  '%',
  '?',
  ':',
  ';',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '/',
  '*',
  '#',
  ',',
  '=',
  'é',
  'Ω',
  'İ',
  'ı',
  '数据',
  '表',
  'Ä',
  '\u200b',
  'X',
  '0',
  '_',
  'Id',
];
const ASTRAL = ['🦄', '𝔘'];

export interface HostileColumn {
  readonly name: string;
  readonly comment: string | null;
}

/** Columns: `columns[0]` is the integer primary key, `columns[1]` a text column; a child's `columns[2]` references the parent's key. */
export interface HostileTable {
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  readonly columns: readonly HostileColumn[];
}

export interface HostileSchema {
  readonly engine: SqlEngine;
  /** The database (MySQL, PostgreSQL) or file name (SQLite): always `ss_hostile_` then a hostile part. */
  readonly database: string;
  readonly parent: HostileTable;
  readonly child: HostileTable;
  /** Text values stored in the text columns. */
  readonly values: readonly [string, string];
}

export const DATABASE_PREFIX = 'ss_hostile_';

/** The identifier length limit: MySQL/MariaDB count characters (64), PostgreSQL bytes (63, NAMEDATALEN - 1). */
function fits(engine: SqlEngine, name: string, reserve = 0): boolean {
  if (engine === 'postgres') return Buffer.byteLength(name) + reserve <= 63;
  return [...name].length + reserve <= 64;
}

/** Pads (or clips) to exactly the engine's limit, so names at the edge are tried. */
function atLimit(engine: SqlEngine, base: string, reserve = 0): string {
  let name = '';
  for (const char of base) {
    if (!fits(engine, name + char, reserve)) break;
    name += char;
  }
  while (fits(engine, `${name}x`, reserve)) name += 'x';
  return name;
}

/** Whether the engine accepts the identifier (MariaDB: no trailing space, no astral characters). */
function legal(engine: SqlEngine, name: string, reserve = 0): boolean {
  if (name.length === 0 || name.includes('\u0000') || !fits(engine, name, reserve)) return false;
  if (engine === 'mysql') return !/ $/.test(name) && ![...name].some((char) => char.codePointAt(0)! > 0xffff);
  if (engine === 'sqlite') return !/^sqlite_/i.test(name);
  return true;
}

/**
 * Names compare case-insensitively, accent-insensitively and without trailing spaces in MariaDB's columns: two
 * names the same under this key would collide there, so a table never holds both.
 */
export function collisionKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll('ß', 's')
    .replaceAll('ı', 'i')
    .replace(/ +$/, '');
}

export function hostileName(engine: SqlEngine, reserve = 0): fc.Arbitrary<string> {
  const pieces = engine === 'mysql' ? FRAGMENTS : [...FRAGMENTS, ...ASTRAL];
  const word = fc.constantFrom(...PROTOTYPE_WORDS, ...RESERVED_WORDS);
  const mixed = fc
    .array(fc.oneof(word, fc.constantFrom(...pieces)), { minLength: 1, maxLength: 5 })
    .map((parts) => parts.join(''));
  return fc
    .oneof(
      { weight: 3, arbitrary: word },
      { weight: 4, arbitrary: mixed },
      { weight: 1, arbitrary: mixed.map((base) => atLimit(engine, base, reserve)) },
    )
    .filter((name) => legal(engine, name, reserve));
}

/** Comments: the same words and quotes, one line (SQLite keeps comments as `-- text` at the end of a DDL line). */
export function hostileComment(): fc.Arbitrary<string | null> {
  const piece = fc.oneof(
    fc.constantFrom(...PROTOTYPE_WORDS, ...RESERVED_WORDS),
    fc.constantFrom("'", '"', '`', '.', '--', '/*', '*/', ';', 'é数据', '\\', '%'),
  );
  return fc
    .option(
      fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' ').trim()),
      { nil: null },
    )
    .map((comment) => (comment === '' ? null : comment));
}

function columnsOf(engine: SqlEngine, count: number): fc.Arbitrary<HostileColumn[]> {
  return fc.uniqueArray(fc.record({ name: hostileName(engine), comment: hostileComment() }), {
    minLength: count,
    maxLength: count + 1,
    selector: (column) => collisionKey(column.name),
  });
}

export function hostileSchema(engine: SqlEngine): fc.Arbitrary<HostileSchema> {
  const database = hostileName(engine, DATABASE_PREFIX.length)
    // A SQLite database is a file: no directory separator in its name.
    .filter((name) => engine !== 'sqlite' || !name.includes('/'))
    .map((name) => `${DATABASE_PREFIX}${name}`);
  // PostgreSQL: tables in one or two schemas, either may be a hostile name or `public`.
  const schemas: fc.Arbitrary<readonly [string, string]> =
    engine === 'postgres'
      ? fc
          .tuple(
            fc.oneof(hostileName(engine), fc.constant('public')),
            fc.oneof(hostileName(engine), fc.constant('public')),
          )
          .filter(([a, b]) => a !== 'public' || b !== 'public')
      : fc.constant(['', ''] as const);
  return fc
    .record({
      database,
      schemas,
      tableNames: fc.uniqueArray(hostileName(engine), { minLength: 2, maxLength: 2, selector: collisionKey }),
      // PostgreSQL: sometimes one table name in both schemas, which only the schema tells apart.
      sameName: engine === 'postgres' ? fc.boolean() : fc.constant(false),
      tableComments: fc.tuple(hostileComment(), hostileComment()),
      parentColumns: columnsOf(engine, 2),
      childColumns: columnsOf(engine, 3),
      values: fc.tuple(
        fc.constantFrom('constructor', '__proto__', "O'Brien", 'naïve café', 'a"b', 'x`y', 'toString'),
        fc.constantFrom('valueOf', 'hasOwnProperty', 'Zürich', 'it\\s', 'select'),
      ),
    })
    .map(({ database, schemas, tableNames, sameName, tableComments, parentColumns, childColumns, values }) => {
      // MySQL's schema is its database; SQLite's is `main`.
      const schemaOf = (index: 0 | 1) =>
        engine === 'postgres' ? schemas[index] : engine === 'mysql' ? database : 'main';
      return {
        engine,
        database,
        parent: { schema: schemaOf(0), name: tableNames[0]!, comment: tableComments[0], columns: parentColumns },
        child: {
          schema: schemaOf(1),
          name: sameName && schemaOf(0) !== schemaOf(1) ? tableNames[0]! : tableNames[1]!,
          comment: tableComments[1],
          columns: childColumns,
        },
        values,
      };
    });
}

/** A SQL string literal in every engine (MySQL's backslash escapes doubled too). */
export function literal(engine: SqlEngine, text: string): string {
  const quoted = text.replaceAll("'", "''");
  return `'${engine === 'mysql' ? quoted.replaceAll('\\', '\\\\') : quoted}'`;
}

/** The statements that make the schema and its rows (without creating the database or schemas). */
export function hostileDdl(schema: HostileSchema): string[] {
  const { engine, parent, child } = schema;
  const q = (identifier: string) => quoteIdentifier(engine, identifier);
  const ref = (table: HostileTable) => tableReference(engine, table.schema, table.name);
  const text = engine === 'mysql' ? 'VARCHAR(100)' : 'TEXT';
  const typeOf = (table: HostileTable, index: number) => (index === 1 ? text : 'INTEGER');
  const parentKey = q(parent.columns[0]!.name);
  const statements: string[] = [];
  for (const table of [parent, child]) {
    const isChild = table === child;
    const definitions = table.columns.map((column, index) => {
      const pieces = [`${q(column.name)} ${typeOf(table, index)}`];
      if (index === 0) pieces.push('PRIMARY KEY');
      if (engine === 'mysql' && column.comment !== null) pieces.push(`COMMENT ${literal(engine, column.comment)}`);
      return pieces.join(' ');
    });
    if (isChild) {
      // A plain constraint name: MariaDB derives one from the table name otherwise, too long at 64 characters.
      definitions.push(
        `${engine === 'mysql' ? 'CONSTRAINT fk_hostile ' : ''}FOREIGN KEY (${q(table.columns[2]!.name)}) REFERENCES ${ref(parent)} (${parentKey})`,
      );
    }
    if (engine === 'sqlite') {
      // SQLite keeps comments as `-- text` at the end of the table's and each column's line.
      const lines = definitions.map((definition, index) => {
        const comment = table.columns[index]?.comment;
        const separator = index < definitions.length - 1 ? ',' : '';
        return `  ${definition}${separator}${comment ? ` -- ${comment}` : ''}`;
      });
      statements.push(
        `CREATE TABLE ${ref(table)} (${table.comment ? ` -- ${table.comment}` : ''}\n${lines.join('\n')}\n)`,
      );
    } else {
      const tableComment =
        engine === 'mysql' && table.comment !== null ? ` COMMENT = ${literal(engine, table.comment)}` : '';
      statements.push(
        `CREATE TABLE ${ref(table)} (${definitions.join(', ')})${engine === 'mysql' ? ' ENGINE = InnoDB' : ''}${tableComment}`,
      );
    }
    if (engine === 'postgres') {
      if (table.comment !== null)
        statements.push(`COMMENT ON TABLE ${ref(table)} IS ${literal(engine, table.comment)}`);
      for (const column of table.columns)
        if (column.comment !== null)
          statements.push(`COMMENT ON COLUMN ${ref(table)}.${q(column.name)} IS ${literal(engine, column.comment)}`);
    }
  }
  const [first, second] = schema.values;
  const extra = (table: HostileTable, from: number) =>
    table.columns
      .slice(from)
      .map(() => ', 7')
      .join('');
  statements.push(
    `INSERT INTO ${ref(parent)} (${parent.columns.map((column) => q(column.name)).join(', ')}) VALUES (1, ${literal(engine, first)}${extra(parent, 2)}), (2, ${literal(engine, second)}${extra(parent, 2)})`,
  );
  statements.push(
    `INSERT INTO ${ref(child)} (${child.columns.map((column) => q(column.name)).join(', ')}) VALUES (10, ${literal(engine, second)}, 1${extra(child, 3)})`,
  );
  return statements;
}
