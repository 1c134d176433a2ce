import type { Engine } from '../../../shared/schema-types.ts';
import { sqlDialectOf } from '../sources/sql-dialects.ts';

const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
const EXECUTABLE_COMMENT_START = /^\/\*M?!\d*/;

/**
 * Blanks out comments, string literals and quoted identifiers as `engine` reads them (its SQL dialect's `lexRules`),
 * keeping every other character where it was (the result has the input's length), so that keywords and semicolons
 * inside them never count:
 * `SELECT 'DROP TABLE x'` is a select. Strings become an empty literal `''`, quoted identifiers the word `q`.
 * MySQL's executable comments stay code, since the server runs them.
 *
 * @example maskSql(`SELECT 'a;b' -- c;d`, 'postgres') // "SELECT ''           "
 */
export function maskSql(sql: string, engine: Engine): string {
  const rules = sqlDialectOf(engine).lexRules;
  let out = '';
  let index = 0;
  let executableDepth = 0; // inside /*! ... */: its closing */ is blanked, its contents kept
  const blank = (length: number): string => ' '.repeat(length);
  const previousIsIdentifier = (): boolean => index > 0 && IDENTIFIER_CHAR.test(sql[index - 1]!);

  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    const rest = (): string => sql.slice(index, index + 200);

    if (char === '-' && next === '-' && (!rules.dashCommentNeedsSpace || isSpaceOrControl(sql[index + 2]))) {
      const end = sql.indexOf('\n', index);
      const stop = end < 0 ? sql.length : end;
      out += blank(stop - index);
      index = stop;
    } else if (char === '#' && rules.hashComments) {
      const end = sql.indexOf('\n', index);
      const stop = end < 0 ? sql.length : end;
      out += blank(stop - index);
      index = stop;
    } else if (char === '*' && next === '/' && executableDepth > 0) {
      executableDepth -= 1;
      out += blank(2);
      index += 2;
    } else if (char === '/' && next === '*' && rules.executableComments && EXECUTABLE_COMMENT_START.test(rest())) {
      const marker = EXECUTABLE_COMMENT_START.exec(rest())![0];
      executableDepth += 1;
      out += blank(marker.length);
      index += marker.length;
    } else if (char === '/' && next === '*') {
      const stop = blockCommentEnd(sql, index, rules.nestedComments);
      out += blank(stop - index);
      index = stop;
    } else if (rules.postgresStrings && char === '$' && !previousIsIdentifier() && DOLLAR_TAG.test(rest())) {
      const tag = DOLLAR_TAG.exec(rest())![0];
      const end = sql.indexOf(tag, index + tag.length);
      const stop = end < 0 ? sql.length : end + tag.length;
      out += `''${blank(stop - index - 2)}`;
      index = stop;
    } else if (rules.stringQuotes.includes(char) || rules.identifierQuotes.includes(char)) {
      // PostgreSQL's E'...' (also e'...') takes backslash escapes; the E is already in `out`, and stays.
      const escapeString =
        rules.postgresStrings &&
        char === "'" &&
        index > 0 &&
        /[eE]/.test(sql[index - 1]!) &&
        !(index > 1 && IDENTIFIER_CHAR.test(sql[index - 2]!));
      const backslash = escapeString || rules.backslashQuotes.includes(char);
      const stop = quotedEnd(sql, index, char, backslash);
      const length = stop - index;
      out += rules.stringQuotes.includes(char) ? maskedString(length) : `q${blank(length - 1)}`;
      index = stop;
    } else if (char === '[' && rules.bracketIdentifiers) {
      const end = sql.indexOf(']', index + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += `q${blank(stop - index - 1)}`;
      index = stop;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

/** An empty literal `''` padded to `length`; a lone quote left open at the very end masks to one space. */
function maskedString(length: number): string {
  return length < 2 ? ' '.repeat(length) : `''${' '.repeat(length - 2)}`;
}

/** MySQL's test after `--`: the end of the text, white space or a control character. */
function isSpaceOrControl(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char) || char.charCodeAt(0) < 0x20;
}

/** Index just past the quoted text opened at `start` (or the end of the text when it never closes). */
function quotedEnd(sql: string, start: number, quote: string, backslash: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index];
    if (backslash && char === '\\') index += 2;
    else if (char === quote && sql[index + 1] === quote) index += 2;
    else if (char === quote) return index + 1;
    else index += 1;
  }
  return sql.length;
}

/** Index just past the block comment opened at `start`; PostgreSQL's comments nest. */
function blockCommentEnd(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  let index = start;
  while (index < sql.length) {
    if (sql[index] === '/' && sql[index + 1] === '*' && (nested || depth === 0)) {
      depth += 1;
      index += 2;
    } else if (sql[index] === '*' && sql[index + 1] === '/') {
      depth -= 1;
      index += 2;
      if (depth === 0) return index;
    } else {
      index += 1;
    }
  }
  return sql.length;
}
