import { quoteIdentifierIfNeeded } from '../../../shared/sql-identifiers.ts';

/**
 * The tables a statement names, found without a parser (examples are written for any of three dialects, and a
 * statement that no longer parses still tells which tables it used): every identifier outside string literals and
 * comments, bare or quoted ("x", `x`, [x]), compared with the snapshot's table names. Case-insensitive, as the
 * three engines mostly are for unquoted names; with several schemas, a table whose schema is named too wins.
 */
export function tablesNamedIn<T extends { readonly schema: string; readonly name: string }>(
  sql: string,
  tables: readonly T[],
): T[] {
  const words = identifiersOf(sql);
  const matches = tables.filter((table) => words.has(table.name.toLowerCase()));
  const byName = new Map<string, T[]>();
  for (const table of matches) {
    const key = table.name.toLowerCase();
    const list = byName.get(key);
    if (list) list.push(table);
    else byName.set(key, [table]);
  }
  const chosen: T[] = [];
  for (const list of byName.values()) {
    const withSchema = list.filter((table) => words.has(table.schema.toLowerCase()));
    chosen.push(...(list.length > 1 && withSchema.length > 0 ? withSchema : list));
  }
  return chosen;
}

/** Lower-cased identifiers of a statement (quoted ones unquoted), with strings and comments skipped. */
export function identifiersOf(sql: string): Set<string> {
  const words = new Set<string>();
  const pattern =
    /'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|([\p{L}_][\p{L}\p{N}_$]*)/gu;
  for (const match of sql.slice(0, 200_000).matchAll(pattern)) {
    const quoted = match[1]?.replaceAll('""', '"') ?? match[2]?.replaceAll('``', '`') ?? match[3];
    if (quoted !== undefined) words.add(quoted.toLowerCase());
    // A bare reserved word (GROUP, ORDER, USER) is the keyword: a table of that name has to be quoted to be named.
    else if (match[4] !== undefined && quoteIdentifierIfNeeded('mysql', match[4]) === match[4])
      words.add(match[4].toLowerCase());
  }
  return words;
}
