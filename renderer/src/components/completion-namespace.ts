import type { SQLNamespace } from '@codemirror/lang-sql';

/** CodeMirror reads `a.b` in a namespace key as a path; a table or schema whose name holds a dot is escaped. */
function escapeKey(name: string): string {
  return name.replaceAll('.', '\\.');
}

/**
 * The SQL editor's completion namespace from the catalog's names: `{table: columns}`, or `{schema: {table: columns}}`
 * when the source has several schemas. Null-prototype objects, because the keys are strangers' names: a table called
 * `__proto__` or `constructor` is one more entry, never the object's prototype.
 */
export function completionNamespace(
  tables: readonly { schema: string; name: string; columns: readonly string[] }[],
): SQLNamespace {
  const multiSchema = new Set(tables.map((table) => table.schema)).size > 1;
  const top: Record<string, Record<string, string[]> | string[]> = Object.create(null);
  for (const table of tables) {
    if (!multiSchema) {
      top[escapeKey(table.name)] = [...table.columns];
      continue;
    }
    const schemaKey = escapeKey(table.schema);
    let schema = Object.hasOwn(top, schemaKey) ? (top[schemaKey] as Record<string, string[]>) : undefined;
    if (!schema) top[schemaKey] = schema = Object.create(null) as Record<string, string[]>;
    schema[escapeKey(table.name)] = [...table.columns];
  }
  return top as SQLNamespace;
}
