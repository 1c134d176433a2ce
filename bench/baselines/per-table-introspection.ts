/**
 * The predecessor's way, kept only as a benchmark baseline: list the tables, then ask the catalog about each table
 * separately (columns, keys, indexes): 1 + 3 x tables queries. Never used by the product.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export async function perTableMysql(
  options: mysql.ConnectionOptions,
  database: string,
): Promise<{ tables: number; columns: number; queries: number }> {
  const connection = await mysql.createConnection({ ...options, database });
  let queries = 0;
  let columns = 0;
  try {
    const [tables] = await connection.query(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    );
    queries += 1;
    for (const { t } of tables as { t: string }[]) {
      const [cols] = await connection.query(
        'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
        [database, t],
      );
      await connection.query(
        'SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL',
        [database, t],
      );
      await connection.query(
        'SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [database, t],
      );
      queries += 3;
      columns += (cols as unknown[]).length;
    }
    return { tables: (tables as unknown[]).length, columns, queries };
  } finally {
    await connection.end();
  }
}

export async function perTablePostgres(
  options: pg.ClientConfig,
): Promise<{ tables: number; columns: number; queries: number }> {
  const client = new pg.Client(options);
  await client.connect();
  let queries = 0;
  let columns = 0;
  try {
    const tables = await client.query(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    queries += 1;
    for (const { t } of tables.rows as { t: string }[]) {
      const cols = await client.query(
        `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [t],
      );
      await client.query(
        `SELECT tc.constraint_name, kcu.column_name, ccu.table_name AS ref_table, ccu.column_name AS ref_column
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
          WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public' AND tc.table_name = $1`,
        [t],
      );
      await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`, [
        t,
      ]);
      queries += 3;
      columns += cols.rowCount ?? 0;
    }
    return { tables: tables.rowCount ?? 0, columns, queries };
  } finally {
    await client.end();
  }
}
