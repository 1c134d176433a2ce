import { AppError } from '../../../shared/errors.ts';

const STATEMENT_START = /^\s*(select|with|show|describe|desc|explain|values|table|\()\b/i;

/**
 * The SQL in a model's answer: the first fenced block (```sql or plain ```), or the whole answer when it is bare SQL.
 * Anything else is prose, refused with what the model said. The result is only extracted here; sql-guard.ts decides
 * whether it may run.
 */
export function extractSql(answer: string): string {
  const fenced = fencedBlock(answer);
  const candidate = (fenced ?? answer).trim();
  if (
    candidate &&
    (fenced ||
      STATEMENT_START.test(candidate) ||
      /^\s*(insert|update|delete|drop|create|alter|truncate|grant|merge|replace|call|set|pragma|attach)\b/i.test(
        candidate,
      ))
  ) {
    return candidate;
  }
  const said = answer.replace(/\s+/g, ' ').trim();
  throw new AppError(
    'invalid_input',
    said
      ? `The model answered without SQL: "${said.length > 300 ? `${said.slice(0, 300)}…` : said}"`
      : 'The model gave an empty answer.',
  );
}

/**
 * The body of the first fenced block, or undefined. As in CommonMark, the block ends at a line holding only a fence at
 * least as long as the opening one: backticks inside a line are SQL (MySQL quotes names with them, and a name that is
 * one backtick is written ````), not the end of the block. A model that closes the fence on the SQL's own line is
 * still understood when no closing line follows.
 */
function fencedBlock(answer: string): string | undefined {
  const opening = /(`{3,})[ \t]*[A-Za-z0-9_-]*[^\n]*\n/.exec(answer);
  if (!opening) return undefined;
  const fence = opening[1]!;
  const rest = answer.slice(opening.index + opening[0].length);
  const closingLine = new RegExp(`^[ \\t]*${fence}\`*[ \\t]*$`, 'm').exec(rest);
  if (closingLine) return rest.slice(0, closingLine.index);
  const inline = rest.indexOf(fence);
  return inline < 0 ? rest : rest.slice(0, inline);
}
