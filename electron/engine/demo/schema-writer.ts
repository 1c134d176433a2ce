import { rmSync } from 'node:fs';
import type { Engine } from '../../../shared/schema-types.ts';
import { quoteIdentifier } from '../../../shared/sql-identifiers.ts';
import { openSqlite } from '../platform/open-sqlite.ts';
import { createRandom } from '../platform/random.ts';
import { valueFor, type RowValue } from './row-values.ts';
import type { ModelColumn, ModelTable, SchemaModel, ValueKind } from './schema-model.ts';

const SQL_TYPES: Record<ValueKind, Record<Engine, string>> = {
  id: { sqlite: 'INTEGER', mysql: 'INT', postgres: 'integer' },
  int: { sqlite: 'INTEGER', mysql: 'INT', postgres: 'integer' },
  big: { sqlite: 'BIGINT', mysql: 'BIGINT', postgres: 'bigint' },
  money: { sqlite: 'NUMERIC(14,2)', mysql: 'DECIMAL(14,2)', postgres: 'numeric(14,2)' },
  pct: { sqlite: 'NUMERIC(9,2)', mysql: 'DECIMAL(9,2)', postgres: 'numeric(9,2)' },
  qty: { sqlite: 'INTEGER', mysql: 'INT', postgres: 'integer' },
  date: { sqlite: 'DATE', mysql: 'DATE', postgres: 'date' },
  ts: { sqlite: 'TIMESTAMP', mysql: 'DATETIME', postgres: 'timestamp' },
  str: { sqlite: 'VARCHAR(120)', mysql: 'VARCHAR(120)', postgres: 'varchar(120)' },
  code: { sqlite: 'VARCHAR(24)', mysql: 'VARCHAR(24)', postgres: 'varchar(24)' },
  text: { sqlite: 'TEXT', mysql: 'TEXT', postgres: 'text' },
  flag: { sqlite: 'BOOLEAN', mysql: 'BOOLEAN', postgres: 'boolean' },
  email: { sqlite: 'VARCHAR(160)', mysql: 'VARCHAR(160)', postgres: 'varchar(160)' },
  phone: { sqlite: 'VARCHAR(32)', mysql: 'VARCHAR(32)', postgres: 'varchar(32)' },
  person: { sqlite: 'VARCHAR(80)', mysql: 'VARCHAR(80)', postgres: 'varchar(80)' },
  company: { sqlite: 'VARCHAR(120)', mysql: 'VARCHAR(120)', postgres: 'varchar(120)' },
  city: { sqlite: 'VARCHAR(80)', mysql: 'VARCHAR(80)', postgres: 'varchar(80)' },
  country: { sqlite: 'VARCHAR(80)', mysql: 'VARCHAR(80)', postgres: 'varchar(80)' },
  currency: { sqlite: 'CHAR(3)', mysql: 'CHAR(3)', postgres: 'char(3)' },
  status: { sqlite: 'VARCHAR(16)', mysql: 'VARCHAR(16)', postgres: 'varchar(16)' },
  uuid: { sqlite: 'CHAR(36)', mysql: 'CHAR(36)', postgres: 'uuid' },
  blob: { sqlite: 'BLOB', mysql: 'BLOB', postgres: 'bytea' },
};

export interface WriteSummary {
  readonly tables: number;
  readonly views: number;
  readonly columns: number;
  readonly rows: number;
  readonly ms: number;
}

export function referencedKey(model: SchemaModel, table: string): string {
  const target = model.tables.find((candidate) => candidate.name === table);
  if (!target) throw new TypeError(`Foreign key to unknown table ${table}`);
  return target.columns[0]!.name;
}

function rowsOf(model: SchemaModel): (table: string) => number {
  const rows = new Map(model.tables.map((table) => [table.name, table.rows]));
  return (table) => rows.get(table) ?? 0;
}

export function indexName(table: ModelTable, position: number): string {
  return `ix_${position}_${table.name.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 60);
}

export function columnDefinition(engine: Engine, column: ModelColumn, q: (identifier: string) => string): string {
  const type = SQL_TYPES[column.kind][engine];
  const key = column.kind === 'id' ? ' PRIMARY KEY' : column.nullable ? '' : ' NOT NULL';
  const comment = engine === 'mysql' && column.comment ? ` COMMENT ${sqlString(column.comment)}` : '';
  return `${q(column.name)} ${type}${key}${comment}`;
}

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function* generateRows(model: SchemaModel, table: ModelTable, seed: number): Generator<RowValue[]> {
  const random = createRandom(seed);
  const counts = rowsOf(model);
  for (let index = 0; index < table.rows; index += 1) {
    yield table.columns.map((column) => valueFor(table, column, index, random, counts));
  }
}

/** Writes the model into a new SQLite file (replacing any file there), rows included, then ANALYZE for estimates. */
export function writeSqliteDatabase(model: SchemaModel, file: string, seed = 42): WriteSummary {
  const started = performance.now();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const db = openSqlite(file);
  const q = (identifier: string): string => quoteIdentifier('sqlite', identifier);
  let rows = 0;
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('foreign_keys = OFF'); // tables are created in definition order; checked once at the end
    db.transaction(() => {
      model.tables.forEach((table, position) => {
        const foreignKeys = table.columns
          .filter((column) => column.ref)
          .map(
            (column) =>
              `FOREIGN KEY (${q(column.name)}) REFERENCES ${q(column.ref!)} (${q(referencedKey(model, column.ref!))})`,
          );
        // SQLite has no COMMENT: the comments go into the DDL as SQL comments, where the introspector reads them.
        const definitions = [...table.columns.map((column) => columnDefinition('sqlite', column, q)), ...foreignKeys];
        const lines = definitions.map((definition, index) => {
          const comment = table.columns[index]?.comment;
          const separator = index < definitions.length - 1 ? ',' : '';
          return `  ${definition}${separator}${comment ? ` -- ${comment.replace(/[\r\n]/g, ' ')}` : ''}`;
        });
        const header = table.comment ? ` -- ${table.comment.replace(/[\r\n]/g, ' ')}` : '';
        db.exec(`CREATE TABLE ${q(table.name)} (${header}\n${lines.join('\n')}\n)`);
        if (table.index)
          db.exec(
            `CREATE INDEX ${q(indexName(table, position))} ON ${q(table.name)} (${table.index.map(q).join(', ')})`,
          );
        // Preparing a statement after a schema change re-reads the whole schema: with 10,000 tables that is
        // quadratic, so tables without rows prepare nothing.
        if (table.rows === 0) return;
        const insert = db.prepare(`INSERT INTO ${q(table.name)} VALUES (${table.columns.map(() => '?').join(', ')})`);
        for (const row of generateRows(model, table, seed + position)) {
          insert.run(row.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value)));
          rows += 1;
        }
      });
      for (const view of model.views) db.exec(`CREATE VIEW ${q(view.name)} AS ${view.select(q)}`);
    })();
    const violations = db.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) throw new Error(`Generated data breaks ${violations.length} foreign keys`);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
  return summary(model, rows, started);
}

export function summary(model: SchemaModel, rows: number, started: number): WriteSummary {
  return {
    tables: model.tables.length,
    views: model.views.length,
    columns: model.tables.reduce((sum, table) => sum + table.columns.length, 0),
    rows,
    ms: performance.now() - started,
  };
}
