/**
 * A SQLite query worker: better-sqlite3 is synchronous, so user queries run here, off the main thread. Cancelling
 * or timing out a query terminates this worker, which really stops SQLite (the pool starts a fresh one).
 */
import { parentPort } from 'node:worker_threads';
import { AppError, serializeError } from '../../../shared/errors.ts';
import { openSqlite, type SqliteDatabase } from '../util/open-sqlite.ts';
import { toCell } from './cell-values.ts';
import type { SqliteWorkerRequest, SqliteWorkerResponse } from './sqlite-query-protocol.ts';

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

function execute(request: SqliteWorkerRequest): SqliteWorkerResponse {
  const db = database(request.file);
  const statement = db.prepare(request.sql);
  if (!statement.reader) {
    throw new AppError('read_only_violation', 'Only statements that return rows can run here; this one would change the database.');
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

parentPort!.on('message', (request: SqliteWorkerRequest) => {
  let response: SqliteWorkerResponse;
  try {
    response = execute(request);
  } catch (error) {
    const serialized = serializeError(error);
    const message = serialized.message;
    const kind = /readonly|read-only/i.test(message) ? 'read_only_violation' : serialized.kind === 'internal' ? 'invalid_input' : serialized.kind;
    response = { type: 'error', id: request.id, error: { ...serialized, kind, message: kind === 'invalid_input' ? `SQLite: ${message}` : message } };
  }
  parentPort!.postMessage(response);
});
