import { AppError } from '../../../shared/errors.ts';

const STATEMENT_START = /^\s*(select|with|show|describe|desc|explain|values|table|\()\b/i;

/**
 * The SQL in a model's answer: the first fenced block (```sql or plain ```), or the whole answer when it is bare SQL.
 * Anything else is prose, refused with what the model said. The result is only extracted here; sql-guard.ts decides
 * whether it may run.
 */
export function extractSql(answer: string): string {
  const fenced = /```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)(?:```|$)/.exec(answer);
  const candidate = (fenced ? fenced[2]! : answer).trim();
  if (candidate && (fenced || STATEMENT_START.test(candidate) || /^\s*(insert|update|delete|drop|create|alter|truncate|grant|merge|replace|call|set|pragma|attach)\b/i.test(candidate))) {
    return candidate;
  }
  const said = answer.replace(/\s+/g, ' ').trim();
  throw new AppError('invalid_input', said ? `The model answered without SQL: "${said.length > 300 ? `${said.slice(0, 300)}…` : said}"` : 'The model gave an empty answer.');
}
