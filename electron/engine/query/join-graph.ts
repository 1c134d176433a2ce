import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableKey } from '../../../shared/schema-types.ts';

/** One way to join two tables: `from.fromColumns = to.toColumns`. */
export interface JoinEdge {
  readonly from: string;
  readonly fromColumns: readonly string[];
  readonly to: string;
  readonly toColumns: readonly string[];
  /** Guessed from names (`customer_id` -> `customer.id`) because the schema declares no foreign key there. */
  readonly inferred: boolean;
}

const MAX_PATH_HOPS = 4;

function singular(word: string): string[] {
  if (word.endsWith('ies') && word.length > 4) return [`${word.slice(0, -3)}y`];
  if (word.endsWith('ses') || word.endsWith('xes')) return [word.slice(0, -2), word.slice(0, -1)];
  if (word.endsWith('s') && !word.endsWith('ss')) return [word.slice(0, -1)];
  return [];
}

function plurals(word: string): string[] {
  if (word.endsWith('y') && !/[aeiou]y$/.test(word)) return [`${word.slice(0, -1)}ies`, `${word}s`];
  if (/(s|x|ch|sh)$/.test(word)) return [`${word}es`];
  return [`${word}s`];
}

/** `customer_id`, `customerId`, `CustomerID`, `customer_fk` -> `customer`; null for names that do not look like references. */
export function referencedStem(column: string): string | null {
  // A separator or a case change is required: `valid`, `monkey` and `casino` are not references.
  const match = /^(.+?)[_ ](?:id|fk|key|no|nbr)$/i.exec(column) ?? /^(.*[a-z])(?:Id|ID|Fk|FK)$/.exec(column);
  if (!match) return null;
  const stem = match[1]!.replace(/[_ ]+$/, '').toLowerCase();
  return stem.length >= 2 ? stem : null;
}

/**
 * The schema's join graph: declared foreign keys, plus joins inferred from naming where a column has no declared
 * foreign key (real application schemas often declare none). Inference is conservative: the referenced table must
 * exist under the stem's name (singular or plural, same schema first) and have a one-column primary key.
 */
export class JoinGraph {
  readonly edges: JoinEdge[] = [];
  readonly #adjacent = new Map<string, JoinEdge[]>();

  constructor(tables: readonly TableInfo[]) {
    const byName = new Map<string, TableInfo[]>();
    // `ref_cntry`, `sls_cust`: a module prefix before the entity's name; `cntry_id` still means `ref_cntry`.
    const bySuffix = new Map<string, TableInfo[]>();
    for (const table of tables) {
      const lower = table.name.toLowerCase();
      byName.set(lower, [...(byName.get(lower) ?? []), table]);
      const suffix = /^[a-z0-9]+_(.+)$/.exec(lower)?.[1];
      if (suffix) bySuffix.set(suffix, [...(bySuffix.get(suffix) ?? []), table]);
    }
    for (const table of tables) {
      const declared = new Set<string>();
      for (const fk of table.foreignKeys) {
        fk.columns.forEach((column) => declared.add(column));
        this.#add({ from: tableKey(table), fromColumns: fk.columns, to: `${fk.refSchema}.${fk.refTable}`, toColumns: fk.refColumns, inferred: false });
      }
      for (const column of table.columns) {
        if (declared.has(column.name) || (table.primaryKey.length === 1 && table.primaryKey[0] === column.name && !/_id$/i.test(column.name))) continue;
        const stem = referencedStem(column.name);
        if (!stem) continue;
        const names = [stem, ...plurals(stem), ...singular(stem)];
        let candidates = names.flatMap((candidate) => byName.get(candidate) ?? []);
        if (candidates.length === 0) {
          const prefixed = names.flatMap((candidate) => bySuffix.get(candidate) ?? []);
          if (prefixed.length === 1) candidates = prefixed; // only when unambiguous
        }
        const target = candidates.find((candidate) => candidate.schema === table.schema) ?? candidates[0];
        if (!target || target === table || target.primaryKey.length !== 1) continue;
        // `ref_cntry_hist.cntry_id` -> `ref_cntry.cntry_id`: the key must be `id` or carry the column's own name.
        const targetKey = target.primaryKey[0]!.toLowerCase();
        if (targetKey !== 'id' && targetKey !== column.name.toLowerCase() && referencedStem(target.primaryKey[0]!) !== stem) continue;
        this.#add({ from: tableKey(table), fromColumns: [column.name], to: tableKey(target), toColumns: [target.primaryKey[0]!], inferred: true });
      }
    }
  }

  #add(edge: JoinEdge): void {
    this.edges.push(edge);
    for (const end of [edge.from, edge.to]) {
      const list = this.#adjacent.get(end) ?? [];
      list.push(edge);
      this.#adjacent.set(end, list);
    }
  }

  /** Edges touching a table. */
  around(table: string): readonly JoinEdge[] {
    return this.#adjacent.get(table) ?? [];
  }

  /**
   * The shortest join path from `start` to any of `goals` (breadth-first, at most four hops, declared edges preferred
   * over inferred ones at equal length); the edges in order, or null when none is that short.
   */
  path(start: string, goals: ReadonlySet<string>): JoinEdge[] | null {
    if (goals.has(start)) return [];
    const previous = new Map<string, { edge: JoinEdge; from: string }>([[start, { edge: undefined as unknown as JoinEdge, from: '' }]]);
    let frontier = [start];
    for (let hop = 0; hop < MAX_PATH_HOPS && frontier.length > 0; hop += 1) {
      const next: string[] = [];
      for (const node of frontier) {
        const edges = [...this.around(node)].sort((a, b) => Number(a.inferred) - Number(b.inferred));
        for (const edge of edges) {
          const other = edge.from === node ? edge.to : edge.from;
          if (previous.has(other)) continue;
          previous.set(other, { edge, from: node });
          if (goals.has(other)) {
            const path: JoinEdge[] = [];
            for (let at = other; at !== start; at = previous.get(at)!.from) path.unshift(previous.get(at)!.edge);
            return path;
          }
          next.push(other);
        }
      }
      frontier = next;
    }
    return null;
  }
}
