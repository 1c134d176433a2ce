import { LRUCache } from 'lru-cache';
import type { Parser } from 'node-sql-parser';
import { AppError } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import { lazyModule } from '../platform/lazy-module.ts';
import { sqlDialectOf } from '../sources/sql-dialects.ts';
import { maskSql } from './sql-mask.ts';

export { maskSql } from './sql-mask.ts';

// Loaded on the first check: a CLI command that never checks SQL does not pay for the parser (about 0.2 s).
const sqlParserModule = lazyModule<typeof import('node-sql-parser')>('node-sql-parser');
let sqlParser: Parser | undefined;
function parser(): Parser {
  return (sqlParser ??= new (sqlParserModule().Parser)());
}

const READ_STATEMENTS = new Set(['select', 'with', 'show', 'describe', 'desc', 'explain', 'values', 'table']);

/**
 * Words that make a read statement write (data-modifying CTEs, SELECT ... INTO, REPLACE INTO) or are only ever part of
 * writes and DDL. Statement-starting commands (SET, PRAGMA, LOCK, ...) are already refused by the first-word check.
 */
const WRITE_WORDS = new Set([
  'insert',
  'update',
  'delete',
  'merge',
  'upsert',
  'into',
  'drop',
  'create',
  'alter',
  'truncate',
  'grant',
  'revoke',
  'attach',
  'detach',
  'pragma',
  'lock',
  'vacuum',
  'copy',
  'call',
  'exec',
  'execute',
]);

/** Functions that read the server's files, run programs, reach other servers, or write state. (Sleeping is bounded by the timeout.) */
const DANGEROUS_FUNCTIONS = new Set([
  'load_file',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'pg_stat_file',
  'lo_import',
  'lo_export',
  'lo_get',
  'lo_put',
  'dblink',
  'dblink_exec',
  'dblink_connect',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'set_config',
  'nextval',
  'setval',
  'pg_advisory_lock',
  'pg_advisory_xact_lock',
  'sys_exec',
  'sys_eval',
  'load_extension',
  'readfile',
  'writefile',
  'edit',
  'get_lock',
  'release_lock',
  'query_to_xml',
]);

export interface GuardVerdict {
  /** Whether node-sql-parser understood the statement too (the lexical wall always runs). */
  readonly parsed: boolean;
  readonly statement: string;
}

function refuse(message: string): never {
  throw new AppError('read_only_violation', message);
}

/**
 * Verdicts of statements that passed, by engine and text: a statement run again (paging, export, the same report
 * refreshed) is not parsed again. Only passes are kept (a refusal is cheap to recompute and says why each time);
 * bounded in entries and in the length of text it keeps.
 */
const passed = new LRUCache<string, GuardVerdict>({ max: 2000 });
const MAX_CACHED_SQL = 20_000;

let guardHits = 0;
let guardMisses = 0;

export function guardCacheStats(): { size: number; max: number; hits: number; misses: number } {
  return { size: passed.size, max: passed.max, hits: guardHits, misses: guardMisses };
}

/**
 * The guard in front of every query, two walls in turn ({@link lexicalWall}, then {@link parserWall}): exactly one read-only statement (SELECT, WITH ... SELECT, SHOW, DESCRIBE,
 * EXPLAIN, VALUES). Multiple statements, writes, DDL, data-modifying CTEs, SELECT ... INTO (OUTFILE), file and
 * network functions are refused with the reason. The second wall is the read-only session itself, so a write that
 * slipped past this check still fails.
 */
export function checkReadOnlySql(sql: string, engine: Engine): GuardVerdict {
  const key = sql.length <= MAX_CACHED_SQL ? `${engine}\u0000${sql}` : undefined;
  const known = key === undefined ? undefined : passed.get(key);
  if (known) {
    guardHits += 1;
    return known;
  }
  guardMisses += 1;
  const verdict = checkUncached(sql, engine);
  if (key !== undefined) passed.set(key, verdict);
  return verdict;
}

function checkUncached(sql: string, engine: Engine): GuardVerdict {
  lexicalWall(sql, engine);
  const parsed = parserWall(sql, engine);
  return { parsed, statement: sql.trim() };
}

/**
 * The lexical wall: reads the text as the engine's lexer would (strings, identifiers and comments masked by
 * {@link maskSql}) and refuses more than one statement, a first word that is not a read, locking reads, write words
 * and dangerous functions. It needs no parser, so it holds for every statement the parser cannot read.
 * Returns the one statement, masked.
 *
 * @example lexicalWall('SELECT * FROM t PARTITION (p0); DELETE FROM orders', 'mysql') // throws read_only_violation
 */
export function lexicalWall(sql: string, engine: Engine): string {
  const masked = maskSql(sql, engine);
  const statements = masked
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
  if (statements.length === 0) throw new AppError('invalid_input', 'The SQL is empty.');
  if (statements.length > 1) refuse(`Only one statement can run at a time; this text has ${statements.length}.`);
  const statement = statements[0]!;
  const words = statement.toLowerCase().match(/[a-z_][a-z0-9_$]*/g) ?? [];
  const first = words[0] ?? '';
  if (!READ_STATEMENTS.has(first))
    refuse(
      `Only read-only statements can run (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); this one starts with ${first.toUpperCase() || 'nothing'}.`,
    );
  if (
    /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i.test(statement) ||
    /\block\s+in\s+share\s+mode\b/i.test(statement)
  )
    refuse('Refused: locking reads (FOR UPDATE / FOR SHARE) are not allowed.');
  for (const word of words) {
    if (first === 'show' && word === 'create') continue; // SHOW CREATE TABLE only reads
    if (WRITE_WORDS.has(word))
      refuse(
        `Refused: ${word.toUpperCase()} can change data, the session or the server; only reading is allowed here.`,
      );
  }
  for (const match of statement.toLowerCase().matchAll(/([a-z_][a-z0-9_$.]*)\s*\(/g)) {
    const name = match[1]!.split('.').pop()!;
    if (DANGEROUS_FUNCTIONS.has(name))
      refuse(`Refused: ${name}() reads files, reaches other servers or changes state.`);
  }
  return statement;
}

/**
 * The parser wall: when node-sql-parser understands the dialect's statement, it must be exactly one statement of a
 * read type with no write anywhere in its tree. Returns whether the parser understood it (a dialect feature it does
 * not know leaves the lexical wall and the read-only session to hold).
 */
export function parserWall(sql: string, engine: Engine): boolean {
  let ast: unknown;
  try {
    ast = parser().astify(sql, { database: sqlDialectOf(engine).parserDialect });
  } catch {
    return false;
  }
  const list = (Array.isArray(ast) ? ast : [ast]) as { type?: string }[];
  if (list.length !== 1) refuse(`Only one statement can run at a time; the parser found ${list.length}.`);
  const found = findWrite(list[0]);
  if (found) refuse(`Refused: the statement contains ${found.toUpperCase()}.`);
  const type = String(list[0]?.type ?? '').toLowerCase();
  if (!['select', 'show', 'desc', 'describe', 'explain'].includes(type))
    refuse(`Only read-only statements can run; the parser sees ${type.toUpperCase()}.`);
  return true;
}

const WRITE_TYPES = new Set([
  'insert',
  'update',
  'delete',
  'replace',
  'create',
  'drop',
  'alter',
  'truncate',
  'rename',
  'grant',
  'lock',
  'unlock',
  'set',
  'call',
]);

function findWrite(node: unknown, depth = 0): string | undefined {
  if (depth > 200 || node === null || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findWrite(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  if (typeof record.type === 'string' && WRITE_TYPES.has(record.type.toLowerCase())) return record.type;
  const into = record.into as { keyword?: string; expr?: unknown } | undefined;
  if (into && (into.keyword || into.expr)) return `INTO ${into.keyword ?? ''}`.trim();
  for (const value of Object.values(record)) {
    const found = findWrite(value, depth + 1);
    if (found) return found;
  }
  return undefined;
}
