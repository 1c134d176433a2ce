import { readFileSync } from 'node:fs';
import type { TableInfo } from '../../shared/schema-types.ts';
import { DEFOG_DATABASES, type DatasetPaths } from './datasets.ts';
import type { PooledTable } from './read-postgres.ts';

/**
 * The defog scripts' own spelling of identifiers. They are unquoted, so PostgreSQL folds them to lower case
 * (broker's `sbCustomer.sbCustId` is stored as `sbcustomer.sbcustid`), while MariaDB and SQLite keep them as
 * written. The copies read from PostgreSQL get the original spelling back, from `<db>.json`, as loading the scripts
 * into those engines would give them.
 */
export function restoreDefogSpelling(pooled: readonly PooledTable[], paths: DatasetPaths): PooledTable[] {
  const spelled = new Map<string, string>();
  for (const database of DEFOG_DATABASES) {
    const metadata = JSON.parse(readFileSync(paths.defogMetadata(database), 'utf8')) as {
      table_metadata: Record<string, { column_name: string }[]>;
    };
    for (const [qualified, columns] of Object.entries(metadata.table_metadata)) {
      const table = qualified.replace(/^(?:public|consumer_div)\./, '');
      spelled.set(`${database}.${table.toLowerCase()}`, table);
      for (const column of columns)
        spelled.set(`${database}.${table.toLowerCase()}.${column.column_name.toLowerCase()}`, column.column_name);
    }
  }
  const tableName = (schema: string, name: string) => spelled.get(`${schema}.${name}`) ?? name;
  const columnName = (schema: string, table: string, name: string) => spelled.get(`${schema}.${table}.${name}`) ?? name;
  return pooled.map(({ table, rows }) => {
    const column = (name: string) => columnName(table.schema, table.name, name);
    const renamed: TableInfo = {
      ...table,
      name: tableName(table.schema, table.name),
      columns: table.columns.map((info) => ({ ...info, name: column(info.name) })),
      primaryKey: table.primaryKey.map(column),
      foreignKeys: table.foreignKeys.map((key) => ({
        ...key,
        columns: key.columns.map(column),
        refTable: tableName(key.refSchema, key.refTable),
        refColumns: key.refColumns.map((name) => columnName(key.refSchema, key.refTable, name)),
      })),
      indexes: table.indexes.map((index) => ({ ...index, columns: index.columns.map(column) })),
    };
    return { table: renamed, rows };
  });
}
