import { LRUCache } from 'lru-cache';
import nsp from 'node-sql-parser';
import { AppError } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import { sqlDialectOf } from '../sources/sql-dialects.ts';

const { Parser } = nsp;
const parser = new Parser();


const READ_STATEMENTS = new Set(['select', 'with', 'show', 'describe', 'desc', 'explain', 'values', 'table']);

/**
 * Words that make a read statement write (data-modifying CTEs, SELECT ... INTO, REPLACE INTO) or are only ever part of
 * writes and DDL. Statement-starting commands (SET, PRAGMA, LOCK, ...) are already refused by the first-word check.
 */
const WRITE_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'upsert', 'into', 'drop', 'create', 'alter', 'truncate', 'grant', 'revoke', 'attach',
  'detach', 'pragma', 'lock', 'vacuum', 'copy', 'call', 'exec', 'execute',
]);

/** Functions that read the server's files, run programs, reach other servers, or write state. (Sleeping is bounded by the timeout.) */
const DANGEROUS_FUNCTIONS = new Set([
  'load_file', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export', 'lo_get', 'lo_put',
  'dblink', 'dblink_exec', 'dblink_connect', 'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile',
  'set_config', 'nextval', 'setval', 'pg_advisory_lock', 'pg_advisory_xact_lock', 'sys_exec', 'sys_eval', 'load_extension',
  'readfile', 'writefile', 'edit', 'get_lock', 'release_lock', 'query_to_xml',
]);

export interface GuardVerdict {
  /** Whether node-sql-parser understood the statement too (the lexical wall always runs). */
  readonly parsed: boolean;
  readonly statement: string;
}

/**
 * Blanks out comments, string literals and quoted identifiers (keeping their length), so that keywords inside them
 * never count: `SELECT 'DROP TABLE x'` is a select.
 */
export function maskSql(sql: string): string {
  let out = '';
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      const stop = end < 0 ? sql.length : end;
      out += ' '.repeat(stop - index);
      index = stop;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += ' '.repeat(stop - index);
      index = stop;
    } else if (char === "'" || char === '"' || char === '`') {
      let stop = index + 1;
      while (stop < sql.length) {
        if (sql[stop] === '\\' && char === "'") stop += 2;
        else if (sql[stop] === char && sql[stop + 1] === char) stop += 2;
        else if (sql[stop] === char) break;
        else stop += 1;
      }
      // quoted identifiers keep a placeholder word so they still separate tokens; strings become an empty literal
      out += char === "'" ? `''${' '.repeat(Math.max(0, stop - index - 1))}` : `q${' '.repeat(Math.max(0, stop - index))}`;
      index = stop + 1;
    } else if (char === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(index))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(index))![0];
      const end = sql.indexOf(tag, index + tag.length);
      const stop = end < 0 ? sql.length : end + tag.length;
      out += `''${' '.repeat(Math.max(0, stop - index - 2))}`;
      index = stop;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

function refuse(message: string): never {
  throw new AppError('read_only_violation', message);
}

/**
 * The first wall in front of every query: exactly one read-only statement (SELECT, WITH ... SELECT, SHOW, DESCRIBE,
 * EXPLAIN, VALUES). Multiple statements, writes, DDL, data-modifying CTEs, SELECT ... INTO (OUTFILE), file and
 * network functions are refused with the reason. The second wall is the read-only session itself, so a write that
 * slipped past this check still fails.
 */
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
  const masked = maskSql(sql);
  const statements = masked.split(';').map((part) => part.trim()).filter(Boolean);
  if (statements.length === 0) throw new AppError('invalid_input', 'The SQL is empty.');
  if (statements.length > 1) refuse(`Only one statement can run at a time; this text has ${statements.length}.`);
  const statement = statements[0]!;
  const words = statement.toLowerCase().match(/[a-z_][a-z0-9_$]*/g) ?? [];
  const first = words[0] ?? '';
  if (!READ_STATEMENTS.has(first)) refuse(`Only read-only statements can run (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); this one starts with ${first.toUpperCase() || 'nothing'}.`);
  if (/\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i.test(statement) || /\block\s+in\s+share\s+mode\b/i.test(statement)) refuse('Refused: locking reads (FOR UPDATE / FOR SHARE) are not allowed.');
  for (const word of words) {
    if (first === 'show' && word === 'create') continue; // SHOW CREATE TABLE only reads
    if (WRITE_WORDS.has(word)) refuse(`Refused: ${word.toUpperCase()} can change data, the session or the server; only reading is allowed here.`);
  }
  for (const match of statement.toLowerCase().matchAll(/([a-z_][a-z0-9_$.]*)\s*\(/g)) {
    const name = match[1]!.split('.').pop()!;
    if (DANGEROUS_FUNCTIONS.has(name)) refuse(`Refused: ${name}() reads files, reaches other servers or changes state.`);
  }

  // The parser's view, when it understands the dialect's statement: confirms one statement of a read type.
  let parsed = false;
  try {
    const ast = parser.astify(sql, { database: sqlDialectOf(engine).parserDialect });
    const list = (Array.isArray(ast) ? ast : [ast]) as { type?: string }[];
    parsed = true;
    if (list.length !== 1) refuse(`Only one statement can run at a time; the parser found ${list.length}.`);
    const found = findWrite(list[0]);
    if (found) refuse(`Refused: the statement contains ${found.toUpperCase()}.`);
    const type = String(list[0]?.type ?? '').toLowerCase();
    if (!['select', 'show', 'desc', 'describe', 'explain'].includes(type)) refuse(`Only read-only statements can run; the parser sees ${type.toUpperCase()}.`);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // A dialect feature the parser does not know: the lexical wall above and the read-only session still hold.
  }
  return { parsed, statement: sql.trim() };
}

const WRITE_TYPES = new Set(['insert', 'update', 'delete', 'replace', 'create', 'drop', 'alter', 'truncate', 'rename', 'grant', 'lock', 'unlock', 'set', 'call']);

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
