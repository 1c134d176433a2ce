import { AppError } from '../../../shared/errors.ts';
import type { CellValue } from '../../../shared/ipc-contract.ts';
import type { TableInfo } from '../../../shared/schema-types.ts';
import { quoteIdentifier, tableReference } from '../../../shared/sql-identifiers.ts';
import type { ValueProfile } from '../catalog/value-profile-store.ts';
import type { SourceConnection } from '../sources/dialect.ts';
import type { SqlDoor } from '../query/sql-door.ts';
import { looksLikeKey } from './table-plan.ts';

/** Values kept per column, and their length. */
export const MAX_VALUES = 20;
const MAX_VALUE_CHARS = 60;
/** Rows read per table when the database keeps no statistics. */
const SAMPLE_ROWS = 200;
const SAMPLE_TIMEOUT_MS = 3000;
/** Bounds of one collection: tables sampled, and time in all. */
const MAX_SAMPLED_TABLES = 2000;
const MAX_COLLECTION_MS = 60_000;
/** A sampled column is kept when its values repeat (categories, codes, places), or when the table is small. */
const MAX_DISTINCT_SHARE = 0.5;

/** Text columns, where a question's words can name a value; not identifiers, numbers or binary data. */
const TEXT_TYPE = /char|text|string|enum|set\(|citext|clob|name\b/i;
const NOT_TEXT = /uuid|binary|blob|bytea|json|xml|geometry|tsvector/i;
/** Never collected, whatever the type: the values are secrets or personal data. */
const SENSITIVE =
  /pass(word)?|pwd|secret|token|hash|salt|ssn|social.?security|credit.?card|card.?(number|no)|cvv|iban|api.?key|private|e.?mail|phone/i;

export interface ProfileProgress {
  readonly done: number;
  readonly total: number;
}

export interface CollectionResult {
  readonly profiles: ValueProfile[];
  readonly tables: number;
  readonly fromStatistics: number;
  readonly sampled: number;
  /** Tables not sampled because a bound was reached, or whose sample failed (with the first reason). */
  readonly skipped: number;
  readonly firstError: string | null;
  readonly ms: number;
}

/** Columns worth profiling: text types, not sensitive by name, not keys (`C001`, `TX042` name no value a question uses). */
export function profiledColumns(table: TableInfo): string[] {
  const keys = new Set([...table.primaryKey, ...table.foreignKeys.flatMap((fk) => fk.columns)]);
  return table.columns
    .filter(
      (column) =>
        TEXT_TYPE.test(column.type) &&
        !NOT_TEXT.test(column.type) &&
        !SENSITIVE.test(column.name) &&
        !keys.has(column.name) &&
        !looksLikeKey(column.name),
    )
    .map((column) => column.name);
}

/**
 * Collects value profiles through the SQL door (one read-only statement each, row limit, server-side timeout):
 * PostgreSQL's own statistics first (`pg_stats.most_common_vals`, one query for the whole database), then a bounded
 * sample per remaining table (SAMPLE_ROWS rows). Bounded in tables and time, cancellable; one failing table is
 * skipped, never fatal.
 */
export async function collectValueProfiles(input: {
  readonly connection: SourceConnection;
  readonly door: SqlDoor;
  readonly tables: readonly TableInfo[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ProfileProgress) => void;
}): Promise<CollectionResult> {
  const started = performance.now();
  const wanted = input.tables
    .filter((table) => table.kind === 'table' || table.kind === 'view')
    .map((table) => ({ table, columns: profiledColumns(table) }))
    .filter((entry) => entry.columns.length > 0);
  const profiles: ValueProfile[] = [];
  const covered = new Set<string>();
  let fromStatistics = 0;
  if (input.connection.engine === 'postgres') {
    for (const profile of await postgresStatistics(input.door, input.connection, wanted, input.signal)) {
      profiles.push(profile);
      covered.add(key(profile.schema, profile.table, profile.column));
      fromStatistics += 1;
    }
  }
  let sampled = 0;
  let skipped = 0;
  let firstError: string | null = null;
  const remaining = wanted
    .map((entry) => ({
      ...entry,
      columns: entry.columns.filter((column) => !covered.has(key(entry.table.schema, entry.table.name, column))),
    }))
    .filter((entry) => entry.columns.length > 0);
  for (const [at, entry] of remaining.entries()) {
    if (input.signal?.aborted) throw new AppError('cancelled', 'Collecting value profiles was cancelled.');
    if (at >= MAX_SAMPLED_TABLES || performance.now() - started > MAX_COLLECTION_MS) {
      skipped += remaining.length - at;
      break;
    }
    try {
      profiles.push(...(await sampleTable(input.door, input.connection, entry.table, entry.columns, input.signal)));
      sampled += 1;
    } catch (error) {
      if (input.signal?.aborted) throw new AppError('cancelled', 'Collecting value profiles was cancelled.');
      skipped += 1;
      firstError ??= `${entry.table.schema}.${entry.table.name}: ${error instanceof Error ? error.message : String(error)}`;
    }
    input.onProgress?.({ done: at + 1, total: remaining.length });
  }
  return {
    profiles,
    tables: wanted.length,
    fromStatistics,
    sampled,
    skipped,
    firstError,
    ms: Math.round(performance.now() - started),
  };
}

function key(schema: string, table: string, column: string): string {
  return JSON.stringify([schema, table, column]);
}

async function postgresStatistics(
  door: SqlDoor,
  connection: SourceConnection,
  wanted: readonly { table: TableInfo; columns: string[] }[],
  signal?: AbortSignal,
): Promise<ValueProfile[]> {
  const want = new Set(
    wanted.flatMap((entry) => entry.columns.map((column) => key(entry.table.schema, entry.table.name, column))),
  );
  const result = await door.execute(connection, {
    sql: `SELECT schemaname, tablename, attname, most_common_vals::text AS vals FROM pg_stats
           WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND most_common_vals IS NOT NULL`,
    limit: 1_000_000,
    timeoutMs: 30_000,
    signal,
  });
  const profiles: ValueProfile[] = [];
  for (const [schema, table, column, literal] of result.rows) {
    if (
      typeof schema !== 'string' ||
      typeof table !== 'string' ||
      typeof column !== 'string' ||
      typeof literal !== 'string'
    )
      continue;
    if (!want.has(key(schema, table, column))) continue;
    const values = cleanValues(parsePostgresArray(literal));
    if (values.length > 0) profiles.push({ schema, table, column, values, origin: 'statistics' });
  }
  return profiles;
}

async function sampleTable(
  door: SqlDoor,
  connection: SourceConnection,
  table: TableInfo,
  columns: readonly string[],
  signal?: AbortSignal,
): Promise<ValueProfile[]> {
  const engine = connection.engine;
  const result = await door.execute(connection, {
    sql: `SELECT ${columns.map((column) => quoteIdentifier(engine, column)).join(', ')} FROM ${tableReference(engine, table.schema, table.name)}`,
    limit: SAMPLE_ROWS,
    timeoutMs: SAMPLE_TIMEOUT_MS,
    signal,
  });
  const profiles: ValueProfile[] = [];
  columns.forEach((column, index) => {
    const counts = new Map<string, number>();
    let seen = 0;
    for (const row of result.rows) {
      const value = textOf(row[index]);
      if (value === null) continue;
      seen += 1;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    if (seen === 0) return;
    const small = !result.truncated;
    if (!small && counts.size / seen > MAX_DISTINCT_SHARE) return; // mostly unique: names of people, free text
    const values = cleanValues([...counts].sort((a, b) => b[1] - a[1]).map(([value]) => value));
    if (values.length > 0) profiles.push({ schema: table.schema, table: table.name, column, values, origin: 'sample' });
  });
  return profiles;
}

function textOf(cell: CellValue | undefined): string | null {
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return null;
}

/** Trimmed, single-line, clipped, distinct, at most MAX_VALUES; long free text is dropped. */
function cleanValues(values: readonly string[]): string[] {
  const kept = new Set<string>();
  for (const raw of values) {
    const value = raw.replace(/\s+/g, ' ').trim();
    if (!value || value.length > MAX_VALUE_CHARS) continue;
    kept.add(value);
    if (kept.size === MAX_VALUES) break;
  }
  return [...kept];
}

/** A PostgreSQL array literal (`{a,"b c",NULL,"d\"e"}`) into its elements, NULLs left out. */
export function parsePostgresArray(literal: string): string[] {
  const text = literal.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return [];
  const values: string[] = [];
  let at = 1;
  while (at < text.length - 1) {
    if (text[at] === '"') {
      let value = '';
      at += 1;
      while (at < text.length && text[at] !== '"') {
        if (text[at] === '\\') at += 1;
        value += text[at] ?? '';
        at += 1;
      }
      values.push(value);
      at += 1;
    } else {
      let end = text.indexOf(',', at);
      if (end < 0) end = text.length - 1;
      const value = text.slice(at, end).trim();
      if (value !== 'NULL') values.push(value);
      at = end;
    }
    if (text[at] === ',') at += 1;
  }
  return values;
}
