import { readFileSync } from 'node:fs';
import { DEFOG_DATABASES } from './datasets.ts';

/** One database of Spider's tables.json (the fields used here). */
interface SpiderDatabase {
  readonly db_id: string;
  readonly table_names_original: string[];
  readonly column_names_original: [number, string][];
  readonly column_types: string[];
  readonly primary_keys: (number | number[])[];
  readonly foreign_keys: [number, number][];
}

export interface SpiderDdl {
  /** PostgreSQL schema name: the db_id, prefixed `spider_` when a defog database has the same name. */
  readonly schema: string;
  readonly createStatements: string[];
  readonly foreignKeyStatements: string[];
  readonly tables: number;
  readonly columns: number;
}

export interface SpiderSkippedKeys {
  readonly toNonUnique: number;
  readonly typeMismatch: number;
  readonly duplicate: number;
}

/** Spider's coarse types (from its SQLite originals) as PostgreSQL types. */
const TYPES = new Map([
  ['text', 'text'],
  ['number', 'numeric'],
  ['time', 'timestamp'],
  ['boolean', 'boolean'],
  ['others', 'text'],
]);

export const quotePg = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export function spiderSchemaName(dbId: string): string {
  return (DEFOG_DATABASES as readonly string[]).includes(dbId) ? `spider_${dbId}` : dbId;
}

/**
 * CREATE TABLE statements (columns with mapped types, the primary key) and ALTER TABLE ... FOREIGN KEY statements for
 * the foreign keys Spider lists that PostgreSQL can declare: the referenced column must be its table's primary key
 * (Spider has no other unique constraints) and of the same type. The others are counted, not declared.
 */
export function spiderDdl(file: string): { databases: SpiderDdl[]; skipped: SpiderSkippedKeys } {
  const databases = JSON.parse(readFileSync(file, 'utf8')) as SpiderDatabase[];
  const skipped = { toNonUnique: 0, typeMismatch: 0, duplicate: 0 };
  const result = databases.map((database): SpiderDdl => {
    const schema = spiderSchemaName(database.db_id);
    const columns = database.column_names_original;
    const typeOf = (index: number) => TYPES.get(database.column_types[index]!) ?? 'text';
    const primary = new Set(database.primary_keys.flat());
    const createStatements = database.table_names_original.map((table, tableIndex) => {
      const own = columns
        .map((column, index) => ({ name: column[1], index, table: column[0] }))
        .filter((column) => column.table === tableIndex);
      const lines = own.map((column) => `  ${quotePg(column.name)} ${typeOf(column.index)}`);
      const keys = own.filter((column) => primary.has(column.index)).map((column) => quotePg(column.name));
      if (keys.length > 0) lines.push(`  PRIMARY KEY (${keys.join(', ')})`);
      return `CREATE TABLE ${quotePg(schema)}.${quotePg(table)} (\n${lines.join(',\n')}\n)`;
    });
    const seen = new Set<string>();
    const foreignKeyStatements: string[] = [];
    for (const [from, to] of database.foreign_keys) {
      const key = `${from}->${to}`;
      if (seen.has(key)) {
        skipped.duplicate += 1;
        continue;
      }
      seen.add(key);
      const [fromTable, fromColumn] = columns[from]!;
      const [toTable, toColumn] = columns[to]!;
      const toTablePrimary = columns
        .map((column, index) => ({ table: column[0], index }))
        .filter((column) => column.table === toTable && primary.has(column.index));
      if (toTablePrimary.length !== 1 || toTablePrimary[0]!.index !== to) {
        skipped.toNonUnique += 1;
        continue;
      }
      if (typeOf(from) !== typeOf(to)) {
        skipped.typeMismatch += 1;
        continue;
      }
      const qualified = (tableIndex: number) =>
        `${quotePg(schema)}.${quotePg(database.table_names_original[tableIndex]!)}`;
      foreignKeyStatements.push(
        `ALTER TABLE ${qualified(fromTable)} ADD FOREIGN KEY (${quotePg(fromColumn)}) REFERENCES ${qualified(toTable)} (${quotePg(toColumn)})`,
      );
    }
    return {
      schema,
      createStatements,
      foreignKeyStatements,
      tables: database.table_names_original.length,
      columns: columns.filter((column) => column[0] >= 0).length,
    };
  });
  return { databases: result, skipped };
}
