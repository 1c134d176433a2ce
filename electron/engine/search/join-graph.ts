import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableId } from '../../../shared/schema-types.ts';
import { columnTagOf, prefixStem, withoutPrefix } from './column-prefix.ts';
import { singularForms } from './identifier-words.ts';

/** One way to join two tables: `from.fromColumns = to.toColumns`. Ends are table ids ({@link tableId}). */
export interface JoinEdge {
  readonly from: string;
  readonly fromColumns: readonly string[];
  readonly to: string;
  readonly toSchema: string;
  readonly toTable: string;
  readonly toColumns: readonly string[];
  /** Guessed from names (`customer_id` -> `customer.id`) because the schema declares no foreign key there. */
  readonly inferred: boolean;
}

const MAX_PATH_HOPS = 4;
/** A column name shared by more tables than this (`created_by_id` everywhere) says nothing about how they join. */
const MAX_SHARED_NAME_TABLES = 12;

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

/** Names that end like an identifier (`aid`, `player_id`, `sbCustId`), but not the bare `id` every table has. */
function identifierLike(name: string): boolean {
  return /id$/i.test(name) && name.toLowerCase() !== 'id' && name.length <= 40;
}

interface Holder {
  readonly table: TableInfo;
  readonly column: string;
  readonly ordinal: number;
}

/**
 * The table an identifier-like column belongs to, among the tables that hold it: the one where it is the declared
 * one-column primary key; else the one whose name starts with the column's stem (`aid` -> `author`, `pid` ->
 * `publication` rather than `publication_keyword`: the shortest such name); else the only table where it is the
 * first column and no key is declared. Undefined when that is not clear.
 */
function ownerOf(group: readonly Holder[]): Holder | undefined {
  const declared = group.filter(({ table, column }) => table.primaryKey.length === 1 && table.primaryKey[0] === column);
  if (declared.length === 1) return declared[0];
  if (declared.length > 1) return undefined;
  const stem = group[0]!.column.toLowerCase().replace(/[_ ]*id$/, '');
  if (stem.length > 0) {
    const named = group
      .filter(({ table }) => table.name.toLowerCase().startsWith(stem))
      .sort((a, b) => a.table.name.length - b.table.name.length);
    if (named.length === 1 || (named.length > 1 && named[0]!.table.name.length < named[1]!.table.name.length))
      return named[0];
  }
  const first = group.filter(({ table, ordinal }) => ordinal === 0 && table.primaryKey.length === 0);
  return first.length === 1 ? first[0] : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The schema's join graph: declared foreign keys, plus joins inferred from naming where a column has no declared
 * foreign key (real application schemas often declare none). Inference is conservative:
 * - `customer_id` -> the table named `customer`/`customers` (same schema first; a module prefix such as `sls_cust`
 *   allowed when unambiguous) whose one-column primary key is `id` or carries the column's own name;
 * - an identifier-like column shared by a few tables of a schema (`aid` in `author`, `writes`, `domain_author`) ->
 *   the one table that owns it: where it is the one-column primary key or, with no keys declared, its first column;
 * - where tables tag their columns ({@link columnTagOf}): `sbtxcustid` in `sbtransaction` (tag `sbtx`) ->
 *   the one table of the schema whose tag ends with `cust` and whose primary key is its tag plus `id` (`sbcustid`).
 */
export class JoinGraph {
  readonly edges: JoinEdge[] = [];
  readonly #adjacent = new Map<string, JoinEdge[]>();

  /** A graph from edges computed before (a prepared snapshot), without inferring again. */
  static fromEdges(edges: readonly JoinEdge[]): JoinGraph {
    const graph = new JoinGraph([]);
    for (const edge of edges) graph.#add(edge);
    return graph;
  }

  constructor(tables: readonly TableInfo[]) {
    const byName = new Map<string, TableInfo[]>();
    // `ref_cntry`, `sls_cust`: a module prefix before the entity's name; `cntry_id` still means `ref_cntry`.
    const bySuffix = new Map<string, TableInfo[]>();
    for (const table of tables) {
      const lower = table.name.toLowerCase();
      push(byName, lower, table);
      const suffix = /^[a-z0-9]+_(.+)$/.exec(lower)?.[1];
      if (suffix) push(bySuffix, suffix, table);
    }
    const linked = new Set<string>(); // `tableId\0column` already joined by a declared or inferred edge
    for (const table of tables) {
      const from = tableId(table.schema, table.name);
      for (const fk of table.foreignKeys) {
        fk.columns.forEach((column) => linked.add(`${from}\u0000${column}`));
        this.#add({
          from,
          fromColumns: fk.columns,
          to: tableId(fk.refSchema, fk.refTable),
          toSchema: fk.refSchema,
          toTable: fk.refTable,
          toColumns: fk.refColumns,
          inferred: false,
        });
      }
    }
    for (const table of tables) this.#inferFromStems(table, byName, bySuffix, linked);
    this.#inferFromSharedNames(tables, linked);
    this.#inferFromTags(tables, linked);
  }

  #inferFromTags(tables: readonly TableInfo[], linked: Set<string>): void {
    // Owners: tables whose one-column primary key is their tag plus `id` (`sbcustid` in a table tagged `sbcust`).
    const owners = new Map<string, { table: TableInfo; stem: string; key: string }[]>();
    for (const table of tables) {
      const tag = columnTagOf(table);
      const key = table.primaryKey.length === 1 ? table.primaryKey[0]! : undefined;
      if (!tag || key === undefined || withoutPrefix(key, tag).replace(/^[_\s]+/, '') !== 'id') continue;
      push(owners, table.schema, { table, stem: prefixStem(tag), key });
    }
    if (owners.size === 0) return;
    for (const table of tables) {
      const candidates = owners.get(table.schema);
      if (!candidates) continue;
      const from = tableId(table.schema, table.name);
      const tag = columnTagOf(table);
      for (const column of table.columns) {
        if (linked.has(`${from}\u0000${column.name}`)) continue;
        const stem = /^([\p{L}\p{N}_\s]*?[\p{L}\p{N}])[_\s]?id$/u
          .exec(withoutPrefix(column.name, tag))?.[1]
          ?.replace(/[_\s]+/g, '');
        if (!stem || stem.length < 2) continue;
        const matches = candidates.filter((owner) => owner.table !== table && owner.stem.endsWith(stem));
        if (matches.length !== 1) continue;
        const owner = matches[0]!;
        linked.add(`${from}\u0000${column.name}`);
        this.#add({
          from,
          fromColumns: [column.name],
          to: tableId(owner.table.schema, owner.table.name),
          toSchema: owner.table.schema,
          toTable: owner.table.name,
          toColumns: [owner.key],
          inferred: true,
        });
      }
    }
  }

  #inferFromStems(
    table: TableInfo,
    byName: Map<string, TableInfo[]>,
    bySuffix: Map<string, TableInfo[]>,
    linked: Set<string>,
  ): void {
    const from = tableId(table.schema, table.name);
    for (const column of table.columns) {
      if (linked.has(`${from}\u0000${column.name}`)) continue;
      if (table.primaryKey.length === 1 && table.primaryKey[0] === column.name && !/_id$/i.test(column.name)) continue;
      const stem = referencedStem(column.name);
      if (!stem) continue;
      const names = [stem, ...plurals(stem), ...singularForms(stem)];
      let candidates = names.flatMap((candidate) => byName.get(candidate) ?? []);
      if (candidates.length === 0) {
        const prefixed = names.flatMap((candidate) => bySuffix.get(candidate) ?? []);
        if (prefixed.length === 1) candidates = prefixed; // only when unambiguous
      }
      const target = candidates.find((candidate) => candidate.schema === table.schema) ?? candidates[0];
      if (!target || target === table || target.primaryKey.length !== 1) continue;
      // `ref_cntry_hist.cntry_id` -> `ref_cntry.cntry_id`: the key must be `id` or carry the column's own name.
      const targetKey = target.primaryKey[0]!;
      if (
        targetKey.toLowerCase() !== 'id' &&
        targetKey.toLowerCase() !== column.name.toLowerCase() &&
        referencedStem(targetKey) !== stem
      )
        continue;
      linked.add(`${from}\u0000${column.name}`);
      this.#add({
        from,
        fromColumns: [column.name],
        to: tableId(target.schema, target.name),
        toSchema: target.schema,
        toTable: target.name,
        toColumns: [targetKey],
        inferred: true,
      });
    }
  }

  #inferFromSharedNames(tables: readonly TableInfo[], linked: Set<string>): void {
    const holders = new Map<string, Holder[]>();
    for (const table of tables) {
      table.columns.forEach((column, ordinal) => {
        if (identifierLike(column.name))
          push(holders, `${table.schema}\u0000${column.name.toLowerCase()}`, { table, column: column.name, ordinal });
      });
    }
    for (const group of holders.values()) {
      if (group.length < 2 || group.length > MAX_SHARED_NAME_TABLES) continue;
      const owner = ownerOf(group);
      if (!owner) continue;
      const to = tableId(owner.table.schema, owner.table.name);
      for (const holder of group) {
        const from = tableId(holder.table.schema, holder.table.name);
        if (holder === owner || linked.has(`${from}\u0000${holder.column}`)) continue;
        linked.add(`${from}\u0000${holder.column}`);
        this.#add({
          from,
          fromColumns: [holder.column],
          to,
          toSchema: owner.table.schema,
          toTable: owner.table.name,
          toColumns: [owner.column],
          inferred: true,
        });
      }
    }
  }

  #add(edge: JoinEdge): void {
    this.edges.push(edge);
    push(this.#adjacent, edge.from, edge);
    if (edge.to !== edge.from) push(this.#adjacent, edge.to, edge);
  }

  /** Edges touching a table (by {@link tableId}). */
  around(table: string): readonly JoinEdge[] {
    return this.#adjacent.get(table) ?? [];
  }

  /**
   * The shortest join path from `start` to any of `goals` (breadth-first, at most four hops, declared edges preferred
   * over inferred ones at equal length); the edges in order, or null when none is that short.
   */
  path(start: string, goals: ReadonlySet<string>): JoinEdge[] | null {
    if (goals.has(start)) return [];
    const previous = new Map<string, { edge: JoinEdge | null; from: string }>([[start, { edge: null, from: '' }]]);
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
            for (let at = other; at !== start; at = previous.get(at)!.from) path.unshift(previous.get(at)!.edge!);
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
