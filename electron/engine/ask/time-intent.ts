import type { ColumnInfo } from '../../../shared/schema-types.ts';
import { splitIdentifier } from '../search/identifier-words.ts';

/**
 * A question about a period ("in the past 30 days", "monthly", "in 2023", "last week") filters or groups by a date
 * column it rarely names: "monthly average price of transactions" needs `sbtxdatetime`, "the STR for the previous
 * month" needs `created_at`. These find such questions and the columns that can answer them.
 */
const TIME_WORDS = new Set([
  'date',
  'dates',
  'dated',
  'day',
  'days',
  'daily',
  'today',
  'yesterday',
  'tomorrow',
  'week',
  'weeks',
  'weekly',
  'weekend',
  'weekends',
  'weekday',
  'weekdays',
  'month',
  'months',
  'monthly',
  'quarter',
  'quarters',
  'quarterly',
  'year',
  'years',
  'yearly',
  'annual',
  'annually',
  'hour',
  'hours',
  'hourly',
  'minute',
  'minutes',
  'time',
  'times',
  'timestamp',
  'when',
  'since',
  'until',
  'ago',
  'recent',
  'recently',
  'latest',
  'earliest',
  'newest',
  'oldest',
  'period',
  'duration',
  'trend',
  'ytd',
  'mtd',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]);

/** 1900-2099 as a word, or an ISO date. */
const YEAR_OR_DATE = /(?:^|[^\d])(?:19|20)\d\d(?:$|[^\d])|\d{4}-\d{2}-\d{2}/;

/** True when the question speaks of dates, periods or points in time. */
export function asksAboutTime(question: string): boolean {
  if (YEAR_OR_DATE.test(question)) return true;
  return question
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .some((word) => TIME_WORDS.has(word));
}

const TIME_TYPE = /date|time|year|interval/i;
const TIME_NAME_WORDS = new Set(['date', 'dt', 'time', 'ts', 'timestamp', 'datetime', 'day', 'month', 'year', 'at']);

/** A column that holds a point in time: by its type, or, where types say little (SQLite, text), by its name. */
export function holdsTime(column: Pick<ColumnInfo, 'name' | 'type'>): boolean {
  if (TIME_TYPE.test(column.type)) return true;
  const words = splitIdentifier(column.name);
  // `created_at`, `joined_on`: the last word says it; a lone `at` or `on` does not.
  const last = words.at(-1);
  if (words.length > 1 && (last === 'at' || last === 'on')) return true;
  return words.some((word) => TIME_NAME_WORDS.has(word) && word !== 'at') || /(?:date|time)$/i.test(column.name);
}
