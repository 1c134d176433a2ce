import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CACHE_DIR } from './datasets.ts';
import { prefixedName, type PooledTable } from './read-postgres.ts';
import { portableValue, sqliteType } from './type-map.ts';

export const SQLITE_FILE = path.join(CACHE_DIR, 'sspub.sqlite');
const MARKER_FILE = `${SQLITE_FILE}.marker.json`;

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export interface SqliteLoadNotes {
  readonly tables: number;
  readonly columns: number;
  readonly foreignKeys: number;
}

/**
 * One CREATE TABLE with each column's comment as `-- comment` at the end of its line (SQLite has no COMMENT; the
 * product's introspector reads these back). Comments are flattened to one line; the comma precedes the comment.
 */
function createTable({ table }: PooledTable): string {
  const parts = table.columns.map((column) => ({
    code: `  ${quote(column.name)} ${sqliteType(column.type)}${column.nullable ? '' : ' NOT NULL'}`,
    comment: column.comment ? column.comment.replace(/\s+/g, ' ').trim() : '',
  }));
  if (table.primaryKey.length > 0)
    parts.push({ code: `  PRIMARY KEY (${table.primaryKey.map(quote).join(', ')})`, comment: '' });
  for (const key of table.foreignKeys) {
    parts.push({
      code: `  FOREIGN KEY (${key.columns.map(quote).join(', ')}) REFERENCES ${quote(prefixedName(key.refSchema, key.refTable))} (${key.refColumns.map(quote).join(', ')})`,
      comment: '',
    });
  }
  const lines = parts.map(
    (part, index) => `${part.code}${index < parts.length - 1 ? ',' : ''}${part.comment ? ` -- ${part.comment}` : ''}`,
  );
  return `CREATE TABLE ${quote(prefixedName(table.schema, table.name))} (\n${lines.join('\n')}\n)`;
}

function counts(db: Database.Database): { tables: number; columns: number } {
  return db
    .prepare(
      `SELECT count(DISTINCT m.name) AS tables, count(*) AS columns FROM sqlite_schema m JOIN pragma_table_info(m.name) WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'`,
    )
    .get() as { tables: number; columns: number };
}

/**
 * `.cache/public/sspub.sqlite`: the pooled tables prefixed like MariaDB's, with keys, comments and defog rows. Written
 * to a temporary file and renamed; reused when the marker file next to it names the same hash and counts match.
 */
export async function ensureSqlite(
  hash: string,
  readSource: () => Promise<PooledTable[]>,
  log: (line: string) => void,
): Promise<{ notes: SqliteLoadNotes; reused: boolean }> {
  let reason = 'not there yet';
  if (existsSync(SQLITE_FILE) && existsSync(MARKER_FILE)) {
    const marker = JSON.parse(readFileSync(MARKER_FILE, 'utf8')) as { hash: string; notes: SqliteLoadNotes };
    const db = new Database(SQLITE_FILE, { readonly: true });
    const found = counts(db);
    db.close();
    if (marker.hash !== hash) reason = 'datasets or loader changed';
    else if (found.tables !== marker.notes.tables || found.columns !== marker.notes.columns)
      reason = `it holds ${found.tables} tables and ${found.columns} columns`;
    else return { notes: marker.notes, reused: true };
  }
  log(`writing SQLite ${SQLITE_FILE} (copied from PostgreSQL, tables prefixed by their dataset database; ${reason})`);
  const pooled = await readSource();
  mkdirSync(CACHE_DIR, { recursive: true });
  const temporary = `${SQLITE_FILE}.tmp`;
  rmSync(temporary, { force: true });
  rmSync(MARKER_FILE, { force: true });
  const db = new Database(temporary);
  db.pragma('foreign_keys = OFF'); // tables reference tables created later
  db.transaction(() => {
    for (const entry of pooled) db.exec(createTable(entry));
    for (const entry of pooled) {
      if (entry.rows.length === 0) continue;
      const insert = db.prepare(
        `INSERT INTO ${quote(prefixedName(entry.table.schema, entry.table.name))} VALUES (${entry.table.columns.map(() => '?').join(', ')})`,
      );
      for (const row of entry.rows)
        insert.run(row.map((value, index) => portableValue(entry.table.columns[index]!.type, value)));
    }
  })();
  db.exec('ANALYZE');
  const notes: SqliteLoadNotes = {
    ...counts(db),
    foreignKeys: pooled.reduce((sum, entry) => sum + entry.table.foreignKeys.length, 0),
  };
  db.close();
  renameSync(temporary, SQLITE_FILE);
  writeFileSync(MARKER_FILE, JSON.stringify({ hash, notes }));
  return { notes, reused: false };
}
