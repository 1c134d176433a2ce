import type { Engine, TableInfo } from '../../../shared/schema-types.ts';
import { tableId } from '../../../shared/schema-types.ts';
import { quoteIdentifierIfNeeded, schemaIsImplicit } from '../../../shared/sql-identifiers.ts';
import type { JoinEdge, JoinGraph } from '../search/join-graph.ts';
import { columnTagOf, withoutPrefix } from '../search/column-prefix.ts';
import type { RankedTable } from './retriever.ts';

/** A column the packer may add after the core, with its cost and how likely a query about this table needs it. */
export interface ExtraColumn {
  readonly index: number;
  /** Tokens it would take, estimated from lengths (the text is only built for pieces the packer tries). */
  readonly estimate: number;
  readonly likelihood: number;
}

export interface Description {
  /** A comment written in the database, example values of the column (value profiles), or the team's note. */
  readonly kind: 'comment' | 'values' | 'note';
  /** The column it describes (index), or null for the table's own comment. */
  readonly column: number | null;
  readonly estimate: number;
  readonly matched: boolean;
}

/** How one table can appear in the context: its core, the columns that may follow, and its descriptions. */
export interface TablePlan {
  readonly ranked: RankedTable;
  readonly rank: number;
  readonly multiSchema: boolean;
  /** `table`, or `schema.table` with several schemas: the name in `tables` and `columns` of the answer. */
  readonly displayName: string;
  readonly core: readonly number[];
  /** The header, the core's columns and the closing, in tokens. */
  readonly coreTokens: number;
  /** Tokens saved when every column is shown: the closing loses its "… N more". */
  readonly wholeRefund: number;
  readonly extra: readonly ExtraColumn[];
  readonly descriptions: readonly Description[];
  /** `, name type ...`: what adding an extra column writes. */
  columnText(index: number): string;
  /** `table.column: "comment"` and a newline. */
  descriptionText(index: number): string;
  /** The table's line with these columns, in table order. */
  line(columns: ReadonlySet<number>): string;
}

/** Columns a query about a table almost always needs when it needs the table: at most this many in the core. */
const MAX_CORE = 16;
/** Best-matching columns put in the core. */
const CORE_MATCHES = 6;
const MAX_TYPE_CHARS = 40;
const MAX_DESCRIPTION_CHARS = 160;
/** A team note is written for exactly this use: it may be longer than a database comment. */
const MAX_NOTE_CHARS = 400;
/** Columns a query reads from a table it uses, on average: a narrow table is needed whole far more often. */
const COLUMNS_PER_QUERY = 2.5;

/**
 * Names that look like keys: `customer_id`, `CustomerID`, `sbCustId`, `aid`, `order_no`, `iso_code`. Such columns
 * join tables, and a query that uses the table usually needs them; a false positive costs a few tokens.
 */
export function looksLikeKey(name: string): boolean {
  return (
    /(?:^|[^A-Za-z])id$/i.test(name) ||
    /[a-z](?:Id|ID)$/.test(name) ||
    /^[a-z]{1,4}id$/i.test(name) ||
    /[_ ](?:key|code|no|nbr|num|fk)$/i.test(name)
  );
}

/** Example values of the snapshot's columns, and the ones a question named. */
export interface ColumnValues {
  valuesOf(table: number, column: number): readonly string[] | undefined;
  /** `table:column` -> the value the question named. */
  readonly named: ReadonlyMap<string, string>;
}

/** The team's notes, by table and column position (column -1: the table's own note). */
export interface TeamNotes {
  noteOf(table: number, column: number): string | undefined;
}

/** Example values shown per column, and the length of the list. */
const SHOWN_VALUES = 8;
const MAX_VALUES_CHARS = 200;

export function planTable(input: {
  readonly ranked: RankedTable;
  readonly rank: number;
  readonly engine: Engine;
  readonly graph: JoinGraph;
  readonly multiSchema: boolean;
  readonly count: (text: string) => number;
  readonly values?: ColumnValues;
  /** The team's notes on tables (column -1) and columns, by position in the snapshot. */
  readonly notes?: TeamNotes;
}): TablePlan {
  const { ranked, engine, graph, multiSchema, count } = input;
  const table = ranked.table;
  const key = tableId(table.schema, table.name);
  const quote = (identifier: string) => flat(quoteIdentifierIfNeeded(engine, identifier));
  const displayOf = (target: TableInfo) => (multiSchema ? `${target.schema}.${target.name}` : target.name);
  // Qualified where a bare name would not find the table (a PostgreSQL schema off the search path), or could find
  // another one (several schemas in the context).
  const sqlNameOf = (schema: string, name: string) =>
    (multiSchema || !schemaIsImplicit(engine, schema) ? `${quote(schema)}.` : '') + quote(name);
  const displayName = displayOf(table);

  // References out of this table (declared first), and columns other tables join to.
  const references = new Map<string, JoinEdge>();
  const joinedTo = new Set<string>();
  for (const edge of [...graph.around(key)].sort((a, b) => Number(a.inferred) - Number(b.inferred))) {
    if (edge.from === key) edge.fromColumns.forEach((column) => references.has(column) || references.set(column, edge));
    if (edge.to === key) edge.toColumns.forEach((column) => joinedTo.add(column));
  }
  const primary = new Set(table.primaryKey);
  // A reference is shown even when its table is not in the context: the model (or an agent) learns the join exists.
  const pieceOf = (index: number): string => {
    const column = table.columns[index]!;
    let text = `${quote(column.name)} ${flatType(column.type)}${primary.has(column.name) ? ' PK' : ''}`;
    const edge = references.get(column.name);
    if (edge) {
      const at = edge.fromColumns.indexOf(column.name);
      text += ` ${edge.inferred ? '~>' : '->'} ${sqlNameOf(edge.toSchema, edge.toTable)}.${quote(edge.toColumns[at] ?? '?')}`;
    }
    return text;
  };

  const scores = ranked.columnScores;
  const matched = table.columns
    .map((_column, index) => index)
    .filter((index) => scores[index]! > 0)
    .sort((a, b) => scores[b]! - scores[a]!);
  // Behind a tag (`sbtx` in `sbtxcustid`) a key name shows again: `custid`.
  const tag = columnTagOf(table);
  const keys = table.columns
    .map((_column, index) => index)
    .filter((index) => {
      const name = table.columns[index]!.name;
      return (
        primary.has(name) ||
        references.has(name) ||
        joinedTo.has(name) ||
        looksLikeKey(name) ||
        (tag !== '' && looksLikeKey(withoutPrefix(name, tag)))
      );
    });
  const keysFirst = [...keys.filter((index) => primary.has(table.columns[index]!.name)), ...keys];
  const core = [...new Set([...keysFirst.slice(0, 2), ...matched.slice(0, CORE_MATCHES), ...keysFirst])].slice(
    0,
    MAX_CORE,
  );
  const inCore = new Set(core);

  const head = `${sqlNameOf(table.schema, table.name)}${table.kind === 'view' ? ' view' : ''}(`;
  // A table not shown whole closes with ", … 12 more)": counted with the core, given back when it becomes whole.
  const close = count(')\n');
  const closeMore = count(`, … ${table.columns.length} more)\n`);
  const whole = core.length === table.columns.length;
  const coreTokens =
    count(head) +
    (whole ? close : closeMore) +
    core.reduce((sum, index, at) => sum + count(`${at > 0 ? ', ' : ''}${pieceOf(index)}`), 0);

  const topScore = matched.length > 0 ? scores[matched[0]!]! : 0;
  const base = Math.min(0.6, COLUMNS_PER_QUERY / Math.max(1, table.columns.length));
  const extra: ExtraColumn[] = [];
  table.columns.forEach((_column, index) => {
    if (inCore.has(index)) return;
    const match = topScore > 0 ? scores[index]! / topScore : 0;
    const column = table.columns[index]!;
    const length =
      column.name.length + Math.min(column.type.length, MAX_TYPE_CHARS) + 4 + (references.has(column.name) ? 24 : 0);
    extra.push({ index, estimate: estimate(length), likelihood: Math.min(0.95, base + 0.5 * match) });
  });

  const descriptions: Description[] = [];
  const describe = (column: number | null, comment: string | null, isMatched: boolean) => {
    if (!comment || !/\S/.test(comment)) return;
    const length =
      displayName.length +
      (column === null ? 0 : table.columns[column]!.name.length) +
      Math.min(comment.length, MAX_DESCRIPTION_CHARS) +
      6;
    descriptions.push({ kind: 'comment', column, estimate: estimate(length), matched: isMatched });
  };
  describe(null, table.comment, ranked.reason === 'match');
  table.columns.forEach((column, index) => describe(index, column.comment, scores[index]! > 0));
  const noteTexts = new Map<number, string>();
  const noteOf = (column: number | null, isMatched: boolean) => {
    const text = input.notes?.noteOf(ranked.position, column ?? -1);
    if (!text || !/\S/.test(text)) return;
    noteTexts.set(descriptions.length, text);
    const length =
      displayName.length +
      (column === null ? 0 : table.columns[column]!.name.length) +
      Math.min(text.length, MAX_NOTE_CHARS) +
      12;
    descriptions.push({ kind: 'note', column, estimate: estimate(length), matched: isMatched });
  };
  noteOf(null, ranked.reason === 'match');
  table.columns.forEach((_column, index) => noteOf(index, scores[index]! > 0));
  const valueLists = new Map<number, string>();
  table.columns.forEach((column, index) => {
    const values = input.values?.valuesOf(ranked.position, index);
    if (!values || values.length === 0) return;
    const named = input.values!.named.get(`${ranked.position}:${index}`);
    const list = exampleList(named === undefined ? values : [named, ...values.filter((value) => value !== named)]);
    valueLists.set(index, list);
    descriptions.push({
      kind: 'values',
      column: index,
      estimate: estimate(displayName.length + column.name.length + list.length + 8),
      matched: named !== undefined,
    });
  });

  return {
    ranked,
    rank: input.rank,
    multiSchema,
    displayName,
    core,
    coreTokens,
    wholeRefund: whole ? 0 : closeMore - close,
    extra,
    descriptions,
    columnText: (index) => `, ${pieceOf(index)}`,
    descriptionText(index) {
      const { column, kind } = descriptions[index]!;
      if (kind === 'values')
        return `${flat(`${displayName}.${table.columns[column!]!.name}`)} values: ${valueLists.get(column!)}\n`;
      const comment =
        kind === 'note' ? noteTexts.get(index)! : column === null ? table.comment! : table.columns[column]!.comment!;
      const clipped = comment.replace(/\s+/g, ' ').trim();
      const limit = kind === 'note' ? MAX_NOTE_CHARS : MAX_DESCRIPTION_CHARS;
      const target = column === null ? displayName : `${displayName}.${table.columns[column]!.name}`;
      return `${flat(target)}${kind === 'note' ? ' team note' : ''}: ${flat(JSON.stringify(clipped.length > limit ? `${clipped.slice(0, limit)}…` : clipped))}\n`;
    },
    line(columns) {
      const shown = [...columns].sort((a, b) => a - b).map(pieceOf);
      const more = table.columns.length - columns.size;
      return `${head}${shown.join(', ')}${more > 0 ? `, … ${more} more` : ''})\n`;
    },
  };
}

/** `"a", "b", ...` as JSON strings (quoted data), the first SHOWN_VALUES that fit MAX_VALUES_CHARS. */
function exampleList(values: readonly string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const value of values.slice(0, SHOWN_VALUES)) {
    const quoted = flat(JSON.stringify(value));
    if (shown.length > 0 && length + quoted.length > MAX_VALUES_CHARS) break;
    shown.push(quoted);
    length += quoted.length + 2;
  }
  return shown.join(', ');
}

/** ~3.5 characters a token in schema text: enough to order pieces by value per token. */
function estimate(characters: number): number {
  return Math.max(1, Math.ceil(characters / 3.5));
}

function flatType(type: string): string {
  const clipped = type.length > MAX_TYPE_CHARS ? `${type.slice(0, MAX_TYPE_CHARS)}…` : type;
  return flat(clipped.replace(/\s+/g, ' '));
}

/** Identifiers and comments are data: control characters are escaped so that nothing can start a line of its own. */
export function flat(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
