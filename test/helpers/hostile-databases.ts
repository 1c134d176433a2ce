import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { quoteIdentifier } from '../../shared/sql-identifiers.ts';
import { hostileDdl, type HostileSchema } from './hostile-schema.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from './services.ts';

/** Creates the generated database on its server; resolves with its URL and a function that drops it. */
export async function createHostileDatabase(
  schema: HostileSchema,
  sqliteDir: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const statements = hostileDdl(schema);
  if (schema.engine === 'sqlite') {
    const file = path.join(sqliteDir, `${schema.database}.db`);
    rmSync(file, { force: true });
    const db = new Database(file);
    for (const statement of statements) db.exec(statement);
    db.close();
    return { url: `sqlite:${encodeURIComponent(file)}`, drop: async () => rmSync(file, { force: true }) };
  }
  if (schema.engine === 'mysql') {
    const admin = await mysql.createConnection({ ...MARIADB, multipleStatements: false });
    const database = quoteIdentifier('mysql', schema.database);
    const drop = async () => {
      const connection = await mysql.createConnection({ ...MARIADB });
      await connection.query(`DROP DATABASE IF EXISTS ${database}`);
      await connection.end();
    };
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
      for (const statement of statements) await admin.query(statement);
    } finally {
      await admin.end();
    }
    return { url: mysqlUrl(schema.database), drop };
  }
  const database = quoteIdentifier('postgres', schema.database);
  const drop = async () => {
    const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  };
  await drop();
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const client = new pg.Client({ ...POSTGRES, database: schema.database });
  await client.connect();
  try {
    for (const name of new Set([schema.parent.schema, schema.child.schema]))
      if (name !== 'public') await client.query(`CREATE SCHEMA ${quoteIdentifier('postgres', name)}`);
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
  return { url: postgresUrl(schema.database), drop };
}
