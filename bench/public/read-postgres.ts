import pg from 'pg';
import type { TableInfo } from '../../shared/schema-types.ts';
import { introspectPostgres } from '../../electron/engine/sources/postgres/postgres-introspector.ts';
import { POSTGRES } from '../../test/helpers/services.ts';
import { DEFOG_DATABASES } from './datasets.ts';
import { PUBLIC_DATABASE } from './load-postgres.ts';
import { quotePg } from './spider-ddl.ts';

export interface PooledTable {
  readonly table: TableInfo;
  /** Rows as text (defog tables only; Spider tables have none), in column order. */
  readonly rows: (string | null)[][];
}

/** Name of a pooled table in a single-namespace copy (MariaDB, SQLite): `academic__author`. */
export const prefixedName = (schema: string, table: string): string => `${schema}__${table}`;

/**
 * The loaded PostgreSQL database read back for the MariaDB and SQLite copies: its structure through the product's
 * own introspector (types, keys, comments as PostgreSQL reports them) and the defog tables' rows as text.
 */
export async function readPooledPostgres(): Promise<PooledTable[]> {
  const db = new pg.Client({ ...POSTGRES, database: PUBLIC_DATABASE });
  await db.connect();
  try {
    const { snapshot } = await introspectPostgres(
      async (sql, params) => (await db.query(sql, params as unknown[])).rows,
      PUBLIC_DATABASE,
      [],
    );
    const pooled: PooledTable[] = [];
    for (const table of snapshot.tables) {
      let rows: (string | null)[][] = [];
      if ((DEFOG_DATABASES as readonly string[]).includes(table.schema)) {
        const list = table.columns.map((column) => `${quotePg(column.name)}::text`).join(', ');
        const result = await db.query({
          text: `SELECT ${list} FROM ${quotePg(table.schema)}.${quotePg(table.name)}`,
          rowMode: 'array',
        });
        rows = result.rows as (string | null)[][];
      }
      pooled.push({ table, rows });
    }
    return pooled;
  } finally {
    await db.end();
  }
}
