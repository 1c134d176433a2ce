/**
 * OBJECT paths on the command line and in the UI: `table`, `table.column`, or `schema.table[.column]` where the
 * source has several schemas. Any name a database can hold is valid, dots included: a part can be written in double
 * quotes (`"my.table".col`, a quote inside doubled as `""`), and an unquoted path whose dots are ambiguous is resolved
 * against the schema's real names, refused only when two readings both exist.
 */

/** A table (column null) or one of its columns. */
export interface ObjectTarget {
  readonly schema: string;
  readonly table: string;
  readonly column: string | null;
}

/** A part of a path as written: quoted parts never split on dots. */
interface WrittenPart {
  readonly text: string;
  readonly quoted: boolean;
}

/** Names a path may resolve against: the snapshot's tables with their columns. */
export interface NamedTable {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
}

/** Unquoted dots tried as name characters at most: beyond this, quote the parts. */
const MAX_AMBIGUOUS_DOTS = 12;
export const MAX_OBJECT_PATH_CHARS = 4096;

export class ObjectPathError extends Error {}

/** Splits a path into its written parts: `a.b."c.d"` -> a, b, c.d (quoted). Unquoted runs keep their dots for now. */
function writtenParts(path: string): WrittenPart[][] {
  if (path.length === 0)
    throw new ObjectPathError('The object is empty: give a table, table.column or schema.table[.column].');
  if (path.length > MAX_OBJECT_PATH_CHARS)
    throw new ObjectPathError(`The object is longer than ${MAX_OBJECT_PATH_CHARS} characters.`);
  // Segments separated by dots outside quotes; each segment is quoted or not.
  const segments: WrittenPart[] = [];
  let at = 0;
  while (at <= path.length) {
    if (path[at] === '"') {
      let text = '';
      let end = at + 1;
      for (;;) {
        if (end >= path.length)
          throw new ObjectPathError(
            `Unclosed quote in the object ${JSON.stringify(path)}: close it, and double a quote inside a name ("a""b").`,
          );
        if (path[end] === '"') {
          if (path[end + 1] === '"') {
            text += '"';
            end += 2;
            continue;
          }
          break;
        }
        text += path[end];
        end += 1;
      }
      segments.push({ text, quoted: true });
      at = end + 1;
      if (at < path.length && path[at] !== '.')
        throw new ObjectPathError(
          `Expected a dot after the quoted name ${JSON.stringify(text)} in ${JSON.stringify(path)}.`,
        );
      at += 1;
      if (at === path.length + 1) break;
      if (at === path.length) throw new ObjectPathError(`The object ${JSON.stringify(path)} ends with a dot.`);
      continue;
    }
    const next = path.indexOf('.', at);
    const end = next < 0 ? path.length : next;
    const text = path.slice(at, end);
    if (text.includes('"'))
      throw new ObjectPathError(
        `A quote inside an unquoted name in ${JSON.stringify(path)}: quote the whole name ("a""b").`,
      );
    segments.push({ text, quoted: false });
    at = end + 1;
  }
  // Consecutive unquoted segments form one run whose dots may belong to names.
  const runs: WrittenPart[][] = [];
  for (const segment of segments) {
    const last = runs.at(-1);
    if (!segment.quoted && last && !last[0]!.quoted) last.push(segment);
    else runs.push([segment]);
  }
  return runs;
}

/** Every way to read the path as parts: each unquoted run split at some of its dots. */
function readings(path: string): string[][] {
  const runs = writtenParts(path);
  let results: string[][] = [[]];
  for (const run of runs) {
    if (run[0]!.quoted) {
      results = results.map((parts) => [...parts, run[0]!.text]);
      continue;
    }
    const words = run.map((part) => part.text);
    if (words.length - 1 > MAX_AMBIGUOUS_DOTS) {
      results = results.map((parts) => [...parts, ...words]);
      continue;
    }
    const splits: string[][] = [];
    const masks = 1 << (words.length - 1);
    for (let mask = 0; mask < masks; mask += 1) {
      const parts: string[] = [];
      let current = words[0]!;
      for (let index = 1; index < words.length; index += 1) {
        if (mask & (1 << (index - 1))) current += `.${words[index]}`;
        else {
          parts.push(current);
          current = words[index]!;
        }
      }
      parts.push(current);
      splits.push(parts);
    }
    results = results.flatMap((parts) => splits.map((split) => [...parts, ...split]));
  }
  return results.filter((parts) => parts.length >= 1 && parts.length <= 3);
}

/**
 * Resolves a path against the schema's names. With one schema: `table` or `table.column`; with several:
 * `schema.table` or `schema.table.column` (a bare `table` is accepted when only one schema has it).
 */
export function resolveObjectPath(path: string, tables: readonly NamedTable[]): ObjectTarget {
  const schemas = new Set(tables.map((table) => table.schema));
  const multiSchema = schemas.size > 1;
  const byKey = new Map<string, NamedTable>();
  const byName = new Map<string, NamedTable[]>();
  for (const table of tables) {
    byKey.set(`${table.schema}\u0000${table.name}`, table);
    const list = byName.get(table.name);
    if (list) list.push(table);
    else byName.set(table.name, [table]);
  }
  const found = new Map<string, ObjectTarget>();
  const add = (target: ObjectTarget) =>
    found.set(`${target.schema}\u0000${target.table}\u0000${target.column ?? ''}`, target);
  const withColumn = (table: NamedTable | undefined, column: string | null) => {
    if (!table) return;
    if (column === null) add({ schema: table.schema, table: table.name, column: null });
    else if (table.columns.includes(column)) add({ schema: table.schema, table: table.name, column });
  };
  for (const parts of readings(path)) {
    if (parts.length === 3) withColumn(byKey.get(`${parts[0]}\u0000${parts[1]}`), parts[2]!);
    if (parts.length === 2) {
      if (multiSchema || schemas.has(parts[0]!)) withColumn(byKey.get(`${parts[0]}\u0000${parts[1]}`), null);
      const named = byName.get(parts[0]!) ?? [];
      if (!multiSchema || named.length === 1) for (const table of named) withColumn(table, parts[1]!);
    }
    if (parts.length === 1) {
      const named = byName.get(parts[0]!) ?? [];
      if (named.length === 1) withColumn(named[0], null);
      else if (named.length > 1)
        throw new ObjectPathError(
          `Several schemas have a table ${JSON.stringify(parts[0])} (${named.map((table) => table.schema).join(', ')}): write schema.table.`,
        );
    }
  }
  if (found.size === 1) return [...found.values()][0]!;
  if (found.size === 0) {
    const form = multiSchema ? 'schema.table or schema.table.column' : 'table or table.column';
    throw new ObjectPathError(
      `No table or column ${JSON.stringify(path)} in the cached schema (write ${form}; quote a name that holds a dot: "a.b".c).`,
    );
  }
  const shown = [...found.values()]
    .map((target) => formatObjectPath(target, multiSchema, { quoteAll: true }))
    .join(' or ');
  throw new ObjectPathError(
    `The object ${JSON.stringify(path)} is ambiguous: it could be ${shown}. Quote the names to say which.`,
  );
}

/** A name as a path part: plain when it holds no dot, quote or space, else in double quotes (`quoteAll`: always). */
function part(name: string, quoteAll: boolean): string {
  return !quoteAll && /^[^."\s]+$/u.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * The path of a target (`table.column`, or with its schema when the source has several). The plain form reads back
 * to the target unless another object's name holds the same dots (`a.b` the table, `a`.`b` the column): `quoteAll`
 * gives the form that always reads back to exactly this target.
 */
export function formatObjectPath(
  target: ObjectTarget,
  multiSchema: boolean,
  options: { quoteAll?: boolean } = {},
): string {
  const quoteAll = options.quoteAll ?? false;
  return [...(multiSchema ? [target.schema] : []), target.table, ...(target.column === null ? [] : [target.column])]
    .map((name) => part(name, quoteAll))
    .join('.');
}
