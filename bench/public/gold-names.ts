import type { TableInfo } from '../../shared/schema-types.ts';
import type { PublicEngine } from './ensure-databases.ts';
import type { GoldAlternative, PublicQuestion } from './questions.ts';
import { prefixedName } from './read-postgres.ts';

/** A question's gold in the context's own names (`tables` and `columns` of what `contexts.build` returns). */
export interface ResolvedQuestion extends PublicQuestion {
  readonly gold: readonly GoldAlternative[];
}

export interface GoldNameNotes {
  /** Distinct gold names found in the catalog as written. */
  readonly exact: number;
  /** Found only when case is ignored (listed: these are compared through the catalog's spelling). */
  readonly caseOnly: string[];
  /** Not in the catalog at all: such a column can never be found. */
  readonly missing: string[];
}

/**
 * Gold names (`author`, `author.aid` within a defog database) in the names a pooled context uses: PostgreSQL has a
 * schema per dataset database, so several schemas and `academic.author`, `academic.author.aid`; MariaDB and SQLite
 * have one namespace with prefixed tables, `academic__author`, `academic__author.aid`. Each name is looked up in the
 * catalog snapshot as written; only when that fails is case ignored (and noted), never wholesale.
 */
export function resolveGold(
  engine: PublicEngine,
  tables: readonly TableInfo[],
  questions: readonly PublicQuestion[],
): { questions: ResolvedQuestion[]; notes: GoldNameNotes } {
  const schemas = new Set(tables.map((table) => table.schema));
  const contextTable = (table: TableInfo) => (schemas.size > 1 ? `${table.schema}.${table.name}` : table.name);
  const exact = new Set<string>();
  const folded = new Map<string, string>();
  for (const table of tables) {
    const name = contextTable(table);
    exact.add(name);
    folded.set(name.toLowerCase(), name);
    for (const column of table.columns) {
      exact.add(`${name}.${column.name}`);
      folded.set(`${name}.${column.name}`.toLowerCase(), `${name}.${column.name}`);
    }
  }
  const found = new Set<string>();
  const caseOnly = new Set<string>();
  const missing = new Set<string>();
  const resolve = (wanted: string): string => {
    if (exact.has(wanted)) {
      found.add(wanted);
      return wanted;
    }
    const spelled = folded.get(wanted.toLowerCase());
    if (spelled) {
      caseOnly.add(wanted);
      return spelled;
    }
    missing.add(wanted);
    return wanted;
  };
  const tableName = (db: string, table: string) => (engine === 'postgres' ? `${db}.${table}` : prefixedName(db, table));
  const columnName = (db: string, qualified: string) => {
    const dot = qualified.indexOf('.');
    return `${tableName(db, qualified.slice(0, dot))}.${qualified.slice(dot + 1)}`;
  };
  const resolved = questions.map((question) => ({
    ...question,
    gold: question.alternatives.map((alternative) => ({
      tables: alternative.tables.map((table) => resolve(tableName(question.db, table))),
      columns: alternative.columns.map((column) => resolve(columnName(question.db, column))),
    })),
  }));
  return {
    questions: resolved,
    notes: { exact: found.size, caseOnly: [...caseOnly].sort(), missing: [...missing].sort() },
  };
}
