/**
 * A SQLite query process: better-sqlite3 is synchronous, so user queries run here, outside the main process. SQLite
 * cannot be interrupted from another thread through better-sqlite3 (no `sqlite3_interrupt`), and a worker thread's
 * `terminate()` waits for the current SQLite step to return, which for an aggregate, a sort or a recursive CTE can
 * take minutes. So each running query has a process of its own, and cancel or timeout sends it SIGKILL: the work
 * stops at once, and the pool starts a fresh process for the next query.
 */
import { AppError, serializeError } from '../../../../shared/errors.ts';
import { openSqlite, type SqliteDatabase } from '../../platform/open-sqlite.ts';
import { toCell } from '../cell-values.ts';
import type { SqliteQueryRequest, SqliteQueryResponse } from './sqlite-query-protocol.ts';

let open: { file: string; db: SqliteDatabase } | undefined;

function database(file: string): SqliteDatabase {
  if (open?.file !== file) {
    open?.db.close();
    const db = openSqlite(file, { readonly: true, fileMustExist: true });
    db.defaultSafeIntegers(true); // big integers stay exact
    open = { file, db };
  }
  return open.db;
}

function execute(request: SqliteQueryRequest): SqliteQueryResponse {
  const db = database(request.file);
  const statement = db.prepare(request.sql);
  if (!statement.reader) {
    throw new AppError(
      'read_only_violation',
      'Only statements that return rows can run here; this one would change the database.',
    );
  }
  statement.raw(true);
  const columns = statement.columns().map((column) => ({ name: column.name, type: column.type ?? '' }));
  const rows: ReturnType<typeof toCell>[][] = [];
  let skipped = 0;
  let truncated = false;
  for (const raw of statement.iterate() as IterableIterator<unknown[]>) {
    if (skipped < request.offset) {
      skipped += 1;
      continue;
    }
    if (rows.length === request.limit) {
      truncated = true;
      break; // leaving the loop finalizes the statement: SQLite stops here
    }
    rows.push(raw.map(toCell));
  }
  return { type: 'result', id: request.id, columns, rows, truncated };
}

function answer(request: SqliteQueryRequest): SqliteQueryResponse {
  try {
    return execute(request);
  } catch (error) {
    const serialized = serializeError(error);
    const message = serialized.message;
    const kind = /readonly|read-only/i.test(message)
      ? 'read_only_violation'
      : serialized.kind === 'internal'
        ? 'invalid_input'
        : serialized.kind;
    return {
      type: 'error',
      id: request.id,
      error: { ...serialized, kind, message: kind === 'invalid_input' ? `SQLite: ${message}` : message },
    };
  }
}

process.on('message', (request: SqliteQueryRequest) => {
  process.send!(answer(request));
});
// The pool went away (closed, crashed or killed): nothing is left to answer to.
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' } satisfies SqliteQueryResponse);
