import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableKey } from '../../../shared/schema-types.ts';
import type { JoinGraph } from './join-graph.ts';
import type { LexicalIndex } from './lexical-index.ts';

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
  readonly score: number;
  /** `match`: the question's words or meaning; `join path`: links two matched tables; `rest`: only fills spare budget. */
  readonly reason: 'match' | 'join path' | 'rest';
  /** Per column (same order as `table.columns`): its fused relevance, 0 when nothing matched it. */
  readonly columnScores: Float32Array;
}

/** Reciprocal-rank fusion constant (Cormack et al. 2009): fuses rankings without calibrating their scores. */
const RRF_K = 60;
/** How many top tables get their join paths to each other added. */
const PATH_SEEDS = 5;

function ranksOf(scores: Map<string, number>): Map<string, number> {
  const ranks = new Map<string, number>();
  [...scores].sort((a, b) => b[1] - a[1]).forEach(([key], rank) => ranks.set(key, rank));
  return ranks;
}

function fuse(...rankings: Map<string, number>[]): Map<string, number> {
  const fused = new Map<string, number>();
  for (const ranks of rankings) for (const [key, rank] of ranks) fused.set(key, (fused.get(key) ?? 0) + 1 / (RRF_K + rank + 1));
  return fused;
}

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
}): RankedTable[] {
  const { tables } = input;
  const position = new Map(tables.map((table, index) => [tableKey(table), index]));
  const lexTable = new Map<string, number>();
  const lexColumn = new Map<string, number>();
  const bestLexColumn = new Map<string, number>();
  for (const hit of input.lexical.search(input.question)) {
    const key = tableKey(tables[hit.table]!);
    if (hit.column < 0) lexTable.set(key, (lexTable.get(key) ?? 0) + hit.score);
    else {
      lexColumn.set(`${hit.table}:${hit.column}`, hit.score);
      bestLexColumn.set(key, Math.max(bestLexColumn.get(key) ?? 0, hit.score));
    }
  }
  for (const [key, score] of bestLexColumn) lexTable.set(key, (lexTable.get(key) ?? 0) + score);

  const vecTable = new Map<string, number>();
  const vecColumn = new Map<string, number>();
  for (const hit of input.vectorHits) {
    const key = `${hit.schema}.${hit.table}`;
    const at = position.get(key);
    if (at === undefined) continue;
    vecTable.set(key, Math.max(vecTable.get(key) ?? -Infinity, hit.score));
    if (hit.kind === 'column' && hit.column !== null) {
      const columnIndex = tables[at]!.columns.findIndex((column) => column.name === hit.column);
      if (columnIndex >= 0) vecColumn.set(`${at}:${columnIndex}`, hit.score);
    }
  }

  const tableScores = fuse(ranksOf(lexTable), ranksOf(vecTable));
  const columnScores = fuse(ranksOf(lexColumn), ranksOf(vecColumn));
  const perTable = new Map<number, Float32Array>();
  for (const [key, score] of columnScores) {
    const [tableIndex, columnIndex] = key.split(':').map(Number) as [number, number];
    let scores = perTable.get(tableIndex);
    if (!scores) perTable.set(tableIndex, (scores = new Float32Array(tables[tableIndex]!.columns.length)));
    scores[columnIndex] = score;
  }
  const entry = (index: number, reason: RankedTable['reason']): RankedTable => {
    const table = tables[index]!;
    return { table, score: tableScores.get(tableKey(table)) ?? 0, reason, columnScores: perTable.get(index) ?? new Float32Array(table.columns.length) };
  };

  const matched = [...tableScores].sort((a, b) => b[1] - a[1] || (position.get(a[0])! - position.get(b[0])!)).map(([key]) => position.get(key)!);
  const ordered: RankedTable[] = [];
  const placed = new Set<number>();
  const seeds = new Set<string>();
  for (const [rank, index] of matched.entries()) {
    if (placed.has(index)) continue;
    ordered.push(entry(index, 'match'));
    placed.add(index);
    const key = tableKey(tables[index]!);
    if (rank < PATH_SEEDS) {
      const path = seeds.size > 0 ? input.graph.path(key, seeds) : null;
      for (const edge of path ?? []) {
        for (const end of [edge.from, edge.to]) {
          const at = position.get(end);
          if (at === undefined || placed.has(at)) continue;
          ordered.push(entry(at, 'join path'));
          placed.add(at);
        }
      }
      seeds.add(key);
    }
  }
  tables.forEach((_table, index) => {
    if (!placed.has(index)) ordered.push(entry(index, 'rest'));
  });
  return ordered;
}
