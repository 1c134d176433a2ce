import mysql from 'mysql2/promise';
import pg from 'pg';
import { quoteIdentifier } from '../../shared/sql-identifiers.ts';
import {
  columnDefinition,
  generateRows,
  indexName,
  referencedKey,
  sqlString,
  summary,
  type WriteSummary,
} from '../../electron/engine/demo/schema-writer.ts';
import type { SchemaModel } from '../../electron/engine/demo/schema-model.ts';
import type { RowValue } from '../../electron/engine/demo/row-values.ts';

/**
 * Writers for MySQL/MariaDB and PostgreSQL test workloads. They create databases and write rows, so they live with
 * the tests and benchmarks, never in the read-only product (which only writes its own SQLite demo file).
 */

export interface ServerTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
}

/** Recreates `database` on a MySQL/MariaDB server and writes the model (comments, keys, indexes, rows). */
export async function writeMysqlDatabase(
  model: SchemaModel,
  target: ServerTarget,
  database: string,
  seed = 42,
): Promise<WriteSummary> {
  const started = performance.now();
  const q = (identifier: string): string => quoteIdentifier('mysql', identifier);
  const connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    multipleStatements: true,
    charset: 'utf8mb4',
  });
  let rows = 0;
  try {
    await connection.query(
      `DROP DATABASE IF EXISTS ${q(database)}; CREATE DATABASE ${q(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE ${q(database)}; SET FOREIGN_KEY_CHECKS = 0;`,
    );
    const statements: string[] = [];
    model.tables.forEach((table, position) => {
      const parts = table.columns.map((column) => columnDefinition('mysql', column, q));
      for (const column of table.columns.filter((candidate) => candidate.ref)) {
        parts.push(
          `FOREIGN KEY (${q(column.name)}) REFERENCES ${q(column.ref!)} (${q(referencedKey(model, column.ref!))})`,
        );
      }
      if (table.index) parts.push(`INDEX ${q(indexName(table, position))} (${table.index.map(q).join(', ')})`);
      const comment = table.comment ? ` COMMENT=${sqlString(table.comment)}` : '';
      statements.push(`CREATE TABLE ${q(table.name)} (${parts.join(', ')}) ENGINE=InnoDB${comment}`);
    });
    for (let index = 0; index < statements.length; index += 50)
      await connection.query(statements.slice(index, index + 50).join(';\n'));
    for (const [position, table] of model.tables.entries()) {
      const batch: RowValue[][] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await connection.query(`INSERT INTO ${q(table.name)} VALUES ?`, [
          batch.map((row) => row.map((value) => (typeof value === 'bigint' ? value.toString() : value))),
        ]);
        rows += batch.length;
        batch.length = 0;
      };
      for (const row of generateRows(model, table, seed + position)) {
        batch.push(row);
        if (batch.length === 500) await flush();
      }
      await flush();
    }
    for (const view of model.views) await connection.query(`CREATE VIEW ${q(view.name)} AS ${view.select(q)}`);
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
    if (rows > 0)
      await connection.query(
        `ANALYZE TABLE ${model.tables
          .filter((t) => t.rows > 0)
          .map((t) => q(t.name))
          .join(', ')}`,
      );
  } finally {
    await connection.end();
  }
  return summary(model, rows, started);
}

/** Recreates `database` on a PostgreSQL server and writes the model; `schema` puts the tables in another schema. */
export async function writePostgresDatabase(
  model: SchemaModel,
  target: ServerTarget,
  database: string,
  seed = 42,
  schema = 'public',
): Promise<WriteSummary> {
  const started = performance.now();
  const q = (identifier: string): string => quoteIdentifier('postgres', identifier);
  const admin = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${q(database)} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
  });
  await client.connect();
  let rows = 0;
  try {
    if (schema !== 'public') await client.query(`CREATE SCHEMA ${q(schema)}`);
    await client.query(`SET search_path TO ${q(schema)}`);
    const ddl: string[] = [];
    for (const table of model.tables) {
      ddl.push(
        `CREATE TABLE ${q(table.name)} (${table.columns.map((column) => columnDefinition('postgres', column, q)).join(', ')})`,
      );
      if (table.comment) ddl.push(`COMMENT ON TABLE ${q(table.name)} IS ${sqlString(table.comment)}`);
      for (const column of table.columns)
        if (column.comment)
          ddl.push(`COMMENT ON COLUMN ${q(table.name)}.${q(column.name)} IS ${sqlString(column.comment)}`);
    }
    for (let index = 0; index < ddl.length; index += 2000)
      await client.query(`BEGIN; ${ddl.slice(index, index + 2000).join(';\n')}; COMMIT;`);
    for (const [position, table] of model.tables.entries()) {
      const perStatement = Math.max(1, Math.floor(30_000 / table.columns.length));
      let batch: RowValue[][] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const width = table.columns.length;
        const placeholders = batch
          .map((_, row) => `(${table.columns.map((__, col) => `$${row * width + col + 1}`).join(', ')})`)
          .join(', ');
        await client.query(
          `INSERT INTO ${q(table.name)} VALUES ${placeholders}`,
          batch.flat().map((value) => (typeof value === 'bigint' ? value.toString() : value)),
        );
        rows += batch.length;
        batch = [];
      };
      for (const row of generateRows(model, table, seed + position)) {
        batch.push(row);
        if (batch.length === perStatement) await flush();
      }
      await flush();
    }
    const constraints: string[] = [];
    model.tables.forEach((table, position) => {
      for (const column of table.columns.filter((candidate) => candidate.ref)) {
        constraints.push(
          `ALTER TABLE ${q(table.name)} ADD FOREIGN KEY (${q(column.name)}) REFERENCES ${q(column.ref!)} (${q(referencedKey(model, column.ref!))})`,
        );
      }
      if (table.index)
        constraints.push(
          `CREATE INDEX ${q(indexName(table, position))} ON ${q(table.name)} (${table.index.map(q).join(', ')})`,
        );
    });
    for (const view of model.views) constraints.push(`CREATE VIEW ${q(view.name)} AS ${view.select(q)}`);
    for (let index = 0; index < constraints.length; index += 1000)
      await client.query(`BEGIN; ${constraints.slice(index, index + 1000).join(';\n')}; COMMIT;`);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return summary(model, rows, started);
}
