import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableId } from '../../../shared/schema-types.ts';
import type { JoinGraph } from '../search/join-graph.ts';
import type { LexicalIndex, QueryExpansion } from '../search/lexical-index.ts';
import type { ValueHit } from './value-index.ts';
import type { KnowledgeHit } from './knowledge-index.ts';
import { asksAboutTime, holdsTime } from './time-intent.ts';

/** A vector-search hit, as the index service returns it. */
export interface VectorHitRef {
  readonly kind: 'table' | 'column';
  readonly schema: string;
  readonly table: string;
  readonly column: string | null;
  readonly score: number;
}

export interface RankedTable {
  readonly table: TableInfo;
  /** Its index in the snapshot's table list. */
  readonly position: number;
  readonly score: number;
  /** `match`: the question's words or meaning; `join path`: links two matched tables; `rest`: only fills spare budget. */
  readonly reason: 'match' | 'join path' | 'rest';
  /**
   * How likely the question needs this table, from 0 to 1: what the packer weighs each piece of it by. From the
   * table's place in the ranking (a join path table gets the weight of the match that pulled it in).
   */
  readonly weight: number;
  /** Per column (same order as `table.columns`): its fused relevance, 0 when nothing matched it. */
  readonly columnScores: Float32Array;
}

/**
 * A named value is strong evidence for its column but weaker for its table (a lookup table holding "California"
 * is rarely the only table a question needs): its table ranking counts a quarter (measured, retrieval-public).
 */
const VALUE_TABLE_WEIGHT = 0.25;

/** Reciprocal-rank fusion constant (Cormack et al. 2009): fuses rankings without calibrating their scores. */
const RRF_K = 60;
/** How many top tables get their join paths to each other added. */
const PATH_SEEDS = 5;

/** Adds each item's reciprocal-rank share to `into`: items sorted by score (descending), rank 0 first. */
function addReciprocalRanks<K>(items: readonly { key: K; score: number }[], into: Map<K, number>, weight = 1): void {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  sorted.forEach(({ key }, rank) => into.set(key, (into.get(key) ?? 0) + weight / (RRF_K + rank + 1)));
}

/** A table nothing in the question matched: it only fills spare budget. */
const REST_WEIGHT = 0.005;
/** Ranks at which a matched table's chance of being needed has halved. */
const HALF_WEIGHT_RANK = 3;

/** The chance that the table at this place among the matches is needed, roughly: 1 at the top, falling with rank. */
function weightAtRank(rank: number): number {
  return 1 / (1 + rank / HALF_WEIGHT_RANK);
}

/** How much a schema's strength lifts its tables (of the best table's score); 0.5 measured best of 0 to 2. */
const SCHEMA_BOOST = 0.5;
const SCHEMA_EVIDENCE_TABLES = 3;

/**
 * Where a source has several schemas, a question's tables usually share one (a pooled warehouse of databases, or
 * modules such as `sales` and `hr`): each matched table gains in proportion to how strongly its schema as a whole
 * matched (the sum of its best few tables), so the tables of the right schema rise together above stray matches
 * elsewhere.
 */
function withSchemaCoherence(tables: readonly TableInfo[], scores: ReadonlyMap<number, number>): Map<number, number> {
  const bySchema = new Map<string, number[]>();
  for (const [index, score] of scores) {
    const schema = tables[index]!.schema;
    const list = bySchema.get(schema);
    if (list) list.push(score);
    else bySchema.set(schema, [score]);
  }
  if (bySchema.size <= 1) return new Map(scores);
  const strength = new Map<string, number>();
  let strongest = 0;
  let best = 0;
  for (const [schema, list] of bySchema) {
    list.sort((a, b) => b - a);
    const evidence = list.slice(0, SCHEMA_EVIDENCE_TABLES).reduce((sum, score) => sum + score, 0);
    strength.set(schema, evidence);
    strongest = Math.max(strongest, evidence);
    best = Math.max(best, list[0]!);
  }
  const boosted = new Map<number, number>();
  for (const [index, score] of scores)
    boosted.set(index, score + (SCHEMA_BOOST * best * strength.get(tables[index]!.schema)!) / strongest);
  return boosted;
}

/** Column keys as numbers (no string building in the hot path): a table has at most a few thousand columns. */
const COLUMN_STRIDE = 1 << 16;

/**
 * Hybrid retrieval: a ranking from the vectors (when the source is indexed) and one from names and comments (BM25)
 * are fused by reciprocal rank, for tables and for columns. The top tables then pull in the tables on the join paths
 * between them (declared or inferred), placed right after the table that needs them. Every table is returned, the
 * unmatched ones last, so the packer alone decides what fits.
 */
export function rankTables(input: {
  readonly tables: readonly TableInfo[];
  readonly lexical: LexicalIndex;
  readonly graph: JoinGraph;
  readonly question: string;
  readonly vectorHits: readonly VectorHitRef[];
  /** Columns whose example values the question names (value profiles, when the source has them on). */
  readonly valueHits?: readonly ValueHit[];
  /** Words the question may mean besides those it says (see {@link QueryExpansion}); none by default. */
  readonly expansion?: QueryExpansion;
  /** Tables and columns the team's notes, glossary and examples tie to the question. */
  readonly knowledgeHits?: readonly KnowledgeHit[];
}): RankedTable[] {
  const { tables } = input;
  const position = positionsOf(tables);

  // Names and comments (BM25): a table scores its own document plus its best column's. Read as typed arrays: common
  // words match 100,000+ columns of a W10k schema, and an object per hit cost more than the rest of the ranking.
  const lexTable = new Map<number, number>();
  const bestLexColumn = new Map<number, number>();
  const found = input.lexical.searchDocuments(input.question, input.expansion);
  const lexColumnHits: number[] = []; // indexes into `found`, in match order
  for (let at = 0; at < found.count; at += 1) {
    const document = found.documents[at]!;
    const table = found.tableOf[document]!;
    const score = found.scores[at]!;
    if (found.columnOf[document]! < 0) lexTable.set(table, (lexTable.get(table) ?? 0) + score);
    else {
      lexColumnHits.push(at);
      bestLexColumn.set(table, Math.max(bestLexColumn.get(table) ?? 0, score));
    }
  }
  for (const [table, score] of bestLexColumn) lexTable.set(table, (lexTable.get(table) ?? 0) + score);

  // Vectors: a table scores its best document (its own or one of its columns').
  const vecTable = new Map<number, number>();
  const vecColumns: { key: number; score: number }[] = [];
  for (const hit of input.vectorHits) {
    const at = position.get(tableId(hit.schema, hit.table));
    if (at === undefined) continue;
    vecTable.set(at, Math.max(vecTable.get(at) ?? -Infinity, hit.score));
    if (hit.kind === 'column' && hit.column !== null) {
      const columnIndex = tables[at]!.columns.findIndex((column) => column.name === hit.column);
      if (columnIndex >= 0) vecColumns.push({ key: at * COLUMN_STRIDE + columnIndex, score: hit.score });
    }
  }

  // Values: a column holding a value the question names, and its table.
  const valueTable = new Map<number, number>();
  const valueColumns: { key: number; score: number }[] = [];
  for (const hit of input.valueHits ?? []) {
    valueTable.set(hit.table, Math.max(valueTable.get(hit.table) ?? 0, hit.score));
    valueColumns.push({ key: hit.table * COLUMN_STRIDE + hit.column, score: hit.score });
  }

  // Team knowledge: a table its notes, terms or examples point at; a column its note or a term points at.
  const knowledgeTable = new Map<number, number>();
  const knowledgeColumns: { key: number; score: number }[] = [];
  for (const hit of input.knowledgeHits ?? []) {
    knowledgeTable.set(hit.table, Math.max(knowledgeTable.get(hit.table) ?? 0, hit.score));
    if (hit.column >= 0) knowledgeColumns.push({ key: hit.table * COLUMN_STRIDE + hit.column, score: hit.score });
  }

  const tableScores = new Map<number, number>();
  addReciprocalRanks(
    [...knowledgeTable].map(([key, score]) => ({ key, score })),
    tableScores,
  );
  addReciprocalRanks(
    [...lexTable].map(([key, score]) => ({ key, score })),
    tableScores,
  );
  addReciprocalRanks(
    [...valueTable].map(([key, score]) => ({ key, score })),
    tableScores,
    VALUE_TABLE_WEIGHT,
  );
  addReciprocalRanks(
    [...vecTable].map(([key, score]) => ({ key, score })),
    tableScores,
  );
  // Column scores per matched table, summed in double precision as the reciprocal ranks come (no map keyed by
  // column: a common word matches 100,000+ columns of a W10k schema, and such a map cost ~20 MB of garbage a question).
  const sums = new Map<number, Float64Array>();
  const addColumnScore = (tableIndex: number, columnIndex: number, score: number) => {
    let scores = sums.get(tableIndex);
    if (!scores) sums.set(tableIndex, (scores = new Float64Array(tables[tableIndex]!.columns.length)));
    scores[columnIndex] = scores[columnIndex]! + score;
  };
  // The lexical columns' reciprocal ranks, as addReciprocalRanks gives them (by score, ties in match order).
  lexColumnHits.sort((a, b) => found.scores[b]! - found.scores[a]! || a - b);
  lexColumnHits.forEach((at, rank) => {
    const document = found.documents[at]!;
    addColumnScore(found.tableOf[document]!, found.columnOf[document]!, 1 / (RRF_K + rank + 1));
  });
  for (const hits of [vecColumns, valueColumns, knowledgeColumns]) {
    const ranks = new Map<number, number>();
    addReciprocalRanks(hits, ranks);
    for (const [key, score] of ranks) addColumnScore(Math.floor(key / COLUMN_STRIDE), key % COLUMN_STRIDE, score);
  }
  const perTable = new Map<number, Float32Array>();
  for (const [tableIndex, scores] of sums) perTable.set(tableIndex, Float32Array.from(scores));
  // Tables nothing matched share one zero-filled buffer (views of it): 10,000 tables would otherwise allocate
  // 10,000 arrays per question. Read-only, like every RankedTable's scores.
  const zeros = new Float32Array(tables.reduce((widest, table) => Math.max(widest, table.columns.length), 0));
  const entry = (index: number, reason: RankedTable['reason'], weight: number): RankedTable => {
    const table = tables[index]!;
    return {
      table,
      position: index,
      score: tableScores.get(index) ?? 0,
      reason,
      weight,
      columnScores: perTable.get(index) ?? zeros.subarray(0, table.columns.length),
    };
  };

  const boosted = withSchemaCoherence(tables, tableScores);
  const matched = [...boosted].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([index]) => index);
  if (asksAboutTime(input.question)) withTimeColumns(tables, matched.slice(0, TIME_TABLES), perTable);
  const ordered: RankedTable[] = [];
  const placed = new Set<number>();
  const seeds = new Set<string>();
  for (const [rank, index] of matched.entries()) {
    if (placed.has(index)) continue;
    const weight = weightAtRank(rank);
    ordered.push(entry(index, 'match', weight));
    placed.add(index);
    const key = tableId(tables[index]!.schema, tables[index]!.name);
    if (rank < PATH_SEEDS) {
      const path = seeds.size > 0 ? input.graph.path(key, seeds) : null;
      for (const edge of path ?? []) {
        for (const end of [edge.from, edge.to]) {
          const at = position.get(end);
          if (at === undefined || placed.has(at)) continue;
          ordered.push(entry(at, 'join path', weight));
          placed.add(at);
        }
      }
      seeds.add(key);
    }
  }
  tables.forEach((_table, index) => {
    if (!placed.has(index)) ordered.push(entry(index, 'rest', REST_WEIGHT));
  });
  return withBridges(ordered, input.graph, position);
}

/**
 * Table id -> index in the snapshot's list, kept per list (a prepared snapshot's list lives as long as it is cached;
 * weakly held, so the map goes with it): building it took ~10 ms of every question at 10,000 tables.
 */
const positionsByTables = new WeakMap<readonly TableInfo[], ReadonlyMap<string, number>>();

function positionsOf(tables: readonly TableInfo[]): ReadonlyMap<string, number> {
  let positions = positionsByTables.get(tables);
  if (!positions) {
    positions = new Map(tables.map((table, index) => [tableId(table.schema, table.name), index]));
    positionsByTables.set(tables, positions);
  }
  return positions;
}

/** Time columns given to each matched table for a question about a period; the best tables only (no context holds more). */
const TIME_COLUMNS = 2;
const TIME_TABLES = 500;
/**
 * A time column's score: this share of the table's best column match (so it ranks among the columns the words
 * matched, not after all of them), or a token score when nothing else in the table matched.
 */
const TIME_COLUMN_SHARE = 0.5;
const TIME_COLUMN_FLOOR = 1e-5;

/**
 * A question about a period needs a date column it seldom names: each matched table's first time columns count as
 * matched (after the columns the words matched), so that the table comes with a column to filter or group by.
 */
function withTimeColumns(
  tables: readonly TableInfo[],
  matched: readonly number[],
  perTable: Map<number, Float32Array>,
): void {
  for (const tableIndex of matched) {
    const columns = tables[tableIndex]!.columns;
    let scores = perTable.get(tableIndex);
    let best = 0;
    for (const value of scores ?? []) best = Math.max(best, value);
    const score = Math.max(TIME_COLUMN_FLOOR, TIME_COLUMN_SHARE * best);
    let given = 0;
    for (let index = 0; index < columns.length && given < TIME_COLUMNS; index += 1) {
      if (!holdsTime(columns[index]!)) continue;
      given += 1;
      if (scores && scores[index]! > 0) continue;
      if (!scores) perTable.set(tableIndex, (scores = new Float32Array(columns.length)));
      scores[index] = score;
    }
  }
}

/** A table joined to two likely tables gets this share of the second one's weight: it is probably how they join. */
const BRIDGE_SHARE = 0.5;
/**
 * A table the question matched (`sbcustomer` for "countries", through `sbcustcountry`) that joins a likelier one
 * (`sbtransaction`) gets this share of that one's weight: the join makes its match count, among the many other
 * tables with a `country`.
 */
const MATCHED_NEIGHBOUR_SHARE = 0.5;
/** Likely tables whose neighbours are looked at. */
const BRIDGE_SOURCES = 30;

/**
 * Lifts bridge tables: `writes(aid, pid)` matches nothing in "authors who wrote publications", but it joins `author`
 * and `publication`, which both match. Each table adjacent to two or more of the best tables gets a weight from the
 * second best of them; a matched table adjacent to one of them, a weight from it. The list is then put back in order
 * of weight.
 */
function withBridges(ordered: RankedTable[], graph: JoinGraph, position: ReadonlyMap<string, number>): RankedTable[] {
  // Where each table (by its position in the snapshot) sits in `ordered`.
  const orderOf = new Int32Array(ordered.length);
  ordered.forEach((ranked, index) => (orderOf[ranked.position] = index));
  const at = {
    get: (id: string): number | undefined => {
      const found = position.get(id);
      return found === undefined ? undefined : orderOf[found];
    },
  };
  const neighbourWeights = new Map<number, number[]>();
  for (const ranked of ordered.slice(0, BRIDGE_SOURCES)) {
    if (ranked.reason === 'rest') break;
    const id = tableId(ranked.table.schema, ranked.table.name);
    const seen = new Set<number>();
    for (const edge of graph.around(id)) {
      const other = at.get(edge.from === id ? edge.to : edge.from);
      if (other === undefined || seen.has(other)) continue;
      seen.add(other);
      const list = neighbourWeights.get(other);
      if (list) list.push(ranked.weight);
      else neighbourWeights.set(other, [ranked.weight]);
    }
  }
  let changed = false;
  for (const [index, weights] of neighbourWeights) {
    const ranked = ordered[index]!;
    weights.sort((a, b) => b - a);
    // A bridge matched nothing but joins two likely tables; a neighbour the question matched itself needs only one.
    const lifted =
      ranked.reason === 'match'
        ? MATCHED_NEIGHBOUR_SHARE * weights[0]!
        : weights.length >= 2
          ? BRIDGE_SHARE * weights[1]!
          : 0;
    if (lifted <= ranked.weight) continue;
    ordered[index] = {
      ...ranked,
      weight: lifted,
      reason: ranked.reason === 'rest' ? 'join path' : ranked.reason,
    };
    changed = true;
  }
  return changed
    ? ordered
        .map((ranked, index) => ({ ranked, index }))
        .sort((a, b) => b.ranked.weight - a.ranked.weight || a.index - b.index)
        .map(({ ranked }) => ranked)
    : ordered;
}
