import { AppError } from '../../../shared/errors.ts';
import type { RelationGraphView } from '../../../shared/ipc-contract.ts';
import { tableId, tableKey, type TableInfo } from '../../../shared/schema-types.ts';
import type { JoinEdge, JoinGraph } from '../search/join-graph.ts';

export const DEFAULT_GRAPH_TABLES = 40;
export const MAX_GRAPH_TABLES = 150;

export interface RelationScope {
  /** A table and its neighbours up to `depth` hops (1 or 2). */
  readonly focus?: { readonly schema: string; readonly table: string };
  readonly depth?: number;
  /** Or exactly these tables (`schema.table`, as an Ask context lists them) and the joins among them. */
  readonly tables?: readonly string[];
  readonly limit?: number;
}

interface TableIndex {
  readonly byId: ReadonlyMap<string, TableInfo>;
  /** `schema.table`, and the bare name where it is unambiguous (a context names tables so with one schema). */
  readonly byKey: ReadonlyMap<string, string>;
}

/** Per prepared snapshot's table list (weakly held: it goes with the snapshot), built once, not per picture. */
const indexes = new WeakMap<readonly TableInfo[], TableIndex>();

function indexOf(tables: readonly TableInfo[]): TableIndex {
  const known = indexes.get(tables);
  if (known) return known;
  const byId = new Map<string, TableInfo>();
  const byKey = new Map<string, string>();
  const named = new Map<string, string | null>();
  for (const table of tables) {
    const id = tableId(table.schema, table.name);
    byId.set(id, table);
    byKey.set(tableKey(table), id);
    named.set(table.name, named.has(table.name) ? null : id);
  }
  for (const [name, id] of named) if (id !== null && !byKey.has(name)) byKey.set(name, id);
  const index = { byId, byKey };
  indexes.set(tables, index);
  return index;
}

/** Declared edges first, then inferred ones, without sorting a hub's thousands of edges. */
function* declaredFirst(edges: readonly JoinEdge[]): Generator<JoinEdge> {
  for (const edge of edges) if (!edge.inferred) yield edge;
  for (const edge of edges) if (edge.inferred) yield edge;
}

/**
 * A scoped relationship picture from a prepared snapshot: never the whole schema. Around a focus table it walks the
 * join graph breadth-first (declared edges before inferred ones, fewer hops first) and stops at the limit, counting
 * what it left out; for an Ask context it keeps the given tables and the joins among them. Work is proportional to
 * the tables drawn and their edges, not to the schema's size, so a 10,000-table schema answers as fast as a small one.
 */
export function relationGraph(
  tables: readonly TableInfo[],
  graph: JoinGraph,
  scope: RelationScope,
): Omit<RelationGraphView, 'snapshot'> {
  const limit = Math.min(scope.limit ?? DEFAULT_GRAPH_TABLES, MAX_GRAPH_TABLES);
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError(
      `The table limit must be a whole number from 1 to ${MAX_GRAPH_TABLES}, got ${String(scope.limit)}`,
    );
  const { byId, byKey } = indexOf(tables);
  const depthOf = new Map<string, number>();
  let omitted = 0;
  if (scope.focus) {
    const start = tableId(scope.focus.schema, scope.focus.table);
    if (!byId.has(start))
      throw new AppError('not_found', `No table ${scope.focus.schema}.${scope.focus.table} in the cached schema.`);
    const depth = scope.depth ?? 1;
    if (depth !== 1 && depth !== 2) throw new AppError('invalid_input', 'The depth is 1 or 2 hops.');
    depthOf.set(start, 0);
    let frontier = [start];
    const beyond = new Set<string>();
    for (let hop = 1; hop <= depth; hop += 1) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const edge of declaredFirst(graph.around(node))) {
          const other = edge.from === node ? edge.to : edge.from;
          if (depthOf.has(other) || !byId.has(other)) continue;
          if (depthOf.size >= limit) {
            beyond.add(other);
            continue;
          }
          depthOf.set(other, hop);
          next.push(other);
        }
      }
      frontier = next;
    }
    omitted = beyond.size;
  } else if (scope.tables) {
    const missing = scope.tables.filter((key) => !byKey.has(key));
    if (missing.length === scope.tables.length)
      throw new AppError(
        'not_found',
        `None of these tables is in the cached schema: ${missing.slice(0, 3).join(', ')}.`,
      );
    for (const key of scope.tables) {
      const id = byKey.get(key);
      if (id === undefined) continue;
      if (depthOf.size >= limit) omitted += 1;
      else depthOf.set(id, 0);
    }
  } else {
    throw new AppError(
      'invalid_input',
      'Say which tables to draw: a focus table, or the tables of a context. The whole schema is never drawn at once.',
    );
  }

  const relations: JoinEdge[] = [];
  const seen = new Set<JoinEdge>();
  for (const id of depthOf.keys()) {
    for (const edge of graph.around(id)) {
      if (seen.has(edge) || !depthOf.has(edge.from) || !depthOf.has(edge.to)) continue;
      seen.add(edge);
      relations.push(edge);
    }
  }
  const joinColumns = new Map<string, Set<string>>();
  const mark = (id: string, columns: readonly string[]) => {
    const set = joinColumns.get(id) ?? new Set<string>();
    columns.forEach((column) => set.add(column));
    joinColumns.set(id, set);
  };
  for (const edge of relations) {
    mark(edge.from, edge.fromColumns);
    mark(edge.to, edge.toColumns);
  }
  return {
    tables: [...depthOf].map(([id, depth]) => {
      const table = byId.get(id)!;
      const primary = new Set(table.primaryKey);
      const joins = joinColumns.get(id) ?? new Set<string>();
      const shown = table.columns.filter((column) => primary.has(column.name) || joins.has(column.name));
      return {
        id,
        schema: table.schema,
        name: table.name,
        rowEstimate: table.rowEstimate,
        columns: shown.map((column) => ({
          name: column.name,
          type: column.type,
          primaryKey: primary.has(column.name),
          joins: joins.has(column.name),
        })),
        otherColumns: table.columns.length - shown.length,
        depth,
      };
    }),
    relations: relations.map((edge) => ({
      from: edge.from,
      fromColumns: [...edge.fromColumns],
      to: edge.to,
      toColumns: [...edge.toColumns],
      inferred: edge.inferred,
    })),
    omitted,
    limit,
  };
}
