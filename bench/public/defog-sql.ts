import { readFileSync } from 'node:fs';

/**
 * A defog database's script, made loadable into a schema of our choosing: its statements name `public.` (most),
 * `consumer_div.` (ewallet) or no schema at all (broker, car_dealership, derm_treatment). The qualifiers are removed
 * from statement heads and REFERENCES clauses only (never from row data), ewallet's CREATE SCHEMA is dropped, and
 * the caller runs the script with `search_path` set to the target schema.
 */
export function defogScriptForSchema(sql: string): string {
  return sql
    .replace(/^CREATE SCHEMA IF NOT EXISTS consumer_div;\s*$/m, '')
    .replace(/^(CREATE TABLE|INSERT INTO) (?:public|consumer_div)\./gm, '$1 ')
    .replace(/REFERENCES consumer_div\./g, 'REFERENCES ');
}

/** Column descriptions from `<db>.json`, by table (schema qualifier removed) and column, as written there. */
export function defogColumnDescriptions(file: string): Map<string, Map<string, string>> {
  const metadata = JSON.parse(readFileSync(file, 'utf8')) as {
    table_metadata: Record<string, { column_name: string; column_description?: string }[]>;
  };
  const tables = new Map<string, Map<string, string>>();
  for (const [qualified, columns] of Object.entries(metadata.table_metadata)) {
    const table = qualified.replace(/^(?:public|consumer_div)\./, '');
    const descriptions = new Map<string, string>();
    for (const column of columns) {
      const text = (column.column_description ?? '').trim();
      if (text) descriptions.set(column.column_name, text);
    }
    tables.set(table, descriptions);
  }
  return tables;
}

/** The gold file's table names for ewallet carry its original schema (`consumer_div.users`); here it is the db's. */
export function stripDefogSchema(name: string): string {
  return name.replace(/^consumer_div\./, '');
}
