/**
 * Many schemas prefix every column of a table with the same short tag: `cust_id, cust_name, cust_city` in
 * `customer`, or `sbTxId, sbTxCustId, sbTxDateTime` in `sbTransaction` (which PostgreSQL folds to `sbtxid`,
 * `sbtxcustid`, ... when the DDL left them unquoted). Behind the tag the name says what the column is (`custid`:
 * a customer key), which is what key detection and join inference need to see.
 */

import type { TableInfo } from '../../../shared/schema-types.ts';

/** Share of a table's columns that must carry the tag, and the fewest columns a tag is looked for in. */
const PREFIX_SHARE = 0.8;
const MIN_PREFIX_COLUMNS = 4;
const MIN_PREFIX_LETTERS = 2;

/**
 * The tag (lower case) that at least 80 % of a table's column names start with, the longest such; '' when there is
 * none (fewer than four names, or no shared start of two letters or more). A name equal to the tag keeps it.
 */
export function columnPrefixOf(columnNames: readonly string[]): string {
  if (columnNames.length < MIN_PREFIX_COLUMNS) return '';
  const names = columnNames.map((name) => name.toLowerCase()).sort();
  const window = Math.max(MIN_PREFIX_COLUMNS, Math.ceil(names.length * PREFIX_SHARE));
  let best = '';
  // Sorted, the names sharing a prefix are consecutive: the longest prefix of `window` names is the longest common
  // prefix of the first and last name of some run of `window` consecutive names.
  for (let first = 0; first + window <= names.length; first += 1) {
    const common = commonPrefix(names[first]!, names[first + window - 1]!);
    if (common.length > best.length) best = common;
  }
  // A tag ends before the last word: `order_date, order_day, order_dow` share `order_d`, whose tag is `order_`.
  const separator = best.search(/[_\s.-][^_\s.-]*$/);
  if (separator >= 0 && separator + 1 < best.length) best = best.slice(0, separator + 1);
  return best.replace(/[_\s.-]/g, '').length >= MIN_PREFIX_LETTERS ? best : '';
}

/**
 * The tag of a table's column names ({@link columnPrefixOf}), computed once per table object: the lexical index, the
 * join graph and every question's table plans ask for it. Weakly held, so it lives exactly as long as its snapshot.
 */
const columnTags = new WeakMap<TableInfo, string>();
export function columnTagOf(table: TableInfo): string {
  let tag = columnTags.get(table);
  if (tag === undefined) columnTags.set(table, (tag = columnPrefixOf(table.columns.map((column) => column.name))));
  return tag;
}

/** The name without the tag (lower case), when it has it and something is left; else the name, lower case. */
export function withoutPrefix(name: string, prefix: string): string {
  const lower = name.toLowerCase();
  return prefix && lower.length > prefix.length && lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
}

/** The tag's letters and digits only: `cust_` -> `cust`, `sbTx` -> `sbtx`. */
export function prefixStem(prefix: string): string {
  return prefix.replace(/[^\p{L}\p{N}]+/gu, '');
}

function commonPrefix(a: string, b: string): string {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at += 1;
  return a.slice(0, at);
}
