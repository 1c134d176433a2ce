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
    const name = leadingIdentifier(split.code);
    if (name && !/^(constraint|primary|foreign|unique|check)$/i.test(name)) columns.set(name, comment);
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
    else if (char === '-' && line[index + 1] === '-') return { code: line.slice(0, index), comment: line.slice(index + 2) };
  }
  return undefined;
}

function leadingIdentifier(code: string): string | undefined {
  const text = code.trimStart();
  const quoted = /^"((?:[^"]|"")*)"|^`((?:[^`]|``)*)`|^\[([^\]]*)\]/.exec(text);
  if (quoted) return (quoted[1] ?? quoted[2] ?? quoted[3] ?? '').replace(/""/g, '"').replace(/``/g, '`');
  return /^([^\s,()]+)/.exec(text)?.[1];
}
