/**
 * SQLite has no COMMENT statement; schemas document themselves with `-- comments` inside CREATE TABLE instead:
 *
 *   CREATE TABLE refund ( -- Refunds paid to customers
 *     amount NUMERIC, -- in order currency
 *
 * This reads those back: a comment on the line of the opening parenthesis is the table's, a comment at the end of
 * a column's line is that column's.
 */
export function parseDdlComments(sql: string | null): { table: string | null; columns: Map<string, string> } {
  const columns = new Map<string, string>();
  let table: string | null = null;
  if (!sql) return { table, columns };
  const lines = sql.split(/\r?\n/);
  lines.forEach((line, index) => {
    const split = splitComment(line);
    if (!split) return;
    const comment = split.comment.trim();
    if (!comment) return;
    if (index === 0) {
      if (split.code.includes('(')) table = comment;
      return;
    }
    const leading = leadingIdentifier(split.code);
    // A table constraint starts with one of these words; a column may bear the same name only quoted (`"primary"`).
    if (leading && (leading.quoted || !/^(constraint|primary|foreign|unique|check)$/i.test(leading.name)))
      columns.set(leading.name, comment);
  });
  return { table, columns };
}

/** Finds `--` outside quoted text. */
function splitComment(line: string): { code: string; comment: string } | undefined {
  let quote: string | null = null;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) {
        if (line[index + 1] === quote && quote !== ']') index += 1;
        else quote = null;
      }
    } else if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '[') quote = ']';
    else if (char === '-' && line[index + 1] === '-')
      return { code: line.slice(0, index), comment: line.slice(index + 2) };
  }
  return undefined;
}

function leadingIdentifier(code: string): { name: string; quoted: boolean } | undefined {
  const text = code.trimStart();
  const quoted = /^"((?:[^"]|"")*)"|^`((?:[^`]|``)*)`|^\[([^\]]*)\]/.exec(text);
  if (quoted) {
    // Only the quote that opened the name is doubled inside it: `"a``b"` is the name a``b.
    if (quoted[1] !== undefined) return { name: quoted[1].replace(/""/g, '"'), quoted: true };
    if (quoted[2] !== undefined) return { name: quoted[2].replace(/``/g, '`'), quoted: true };
    return { name: quoted[3] ?? '', quoted: true };
  }
  const bare = /^([^\s,()]+)/.exec(text)?.[1];
  return bare === undefined ? undefined : { name: bare, quoted: false };
}
