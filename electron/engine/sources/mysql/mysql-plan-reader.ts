import type { PlanNodeView } from '../../../../shared/ipc-contract.ts';
import type { ExecutedQuery } from '../dialect.ts';
import { firstJsonCell, planNode, planNumber, type PlanReader } from '../plan-reader.ts';

type Json = Record<string, unknown>;

const ACCESS = new Map<string, string>([
  ['ALL', 'Full table scan'],
  ['index', 'Full index scan'],
  ['range', 'Index range scan'],
  ['ref', 'Index lookup'],
  ['eq_ref', 'Unique index lookup'],
  ['const', 'Constant row'],
  ['system', 'Constant row'],
  ['ref_or_null', 'Index lookup (or NULL)'],
  ['index_merge', 'Index merge'],
  ['fulltext', 'Full-text index'],
]);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tableNode(table: Json, inJoinBuffer: boolean, position: number): PlanNodeView {
  const access = String(table.access_type ?? '');
  const details = ['attached_condition', 'using_index', 'ref'].flatMap((key) =>
    table[key] !== undefined
      ? [
          `${key.replace('_', ' ')}: ${Array.isArray(table[key]) ? (table[key] as unknown[]).join(', ') : String(table[key])}`,
        ]
      : [],
  );
  return planNode({
    operation: ACCESS.get(access) ?? (access || 'Table'),
    relation: typeof table.table_name === 'string' ? table.table_name : null,
    index: typeof table.key === 'string' ? table.key : null,
    rows: planNumber(table.rows),
    cost: planNumber(table.cost),
    detail: details.join(' · '),
    fullScan: access === 'ALL',
    // A later table of a join read in full (through the join buffer or not): no index finds its matches.
    joinWithoutIndex: inJoinBuffer || (position > 0 && access === 'ALL'),
    children: children(
      table,
      new Set([
        'table_name',
        'access_type',
        'key',
        'rows',
        'cost',
        'attached_condition',
        'possible_keys',
        'used_key_parts',
        'key_length',
        'ref',
        'filtered',
      ]),
    ),
  });
}

function label(key: string): string {
  return key.replace(/[_-]/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

/** Nested structures of MariaDB's plan (nested_loop, block-nl-join, filesort, temporary_table, subqueries, ...). */
function children(object: Json, skip: ReadonlySet<string> = new Set()): PlanNodeView[] {
  const found: PlanNodeView[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (skip.has(key)) continue;
    if (key === 'table' && isObject(value)) found.push(tableNode(value, false, 0));
    else if (key === 'nested_loop' && Array.isArray(value)) {
      // A step is a table, a table through the join buffer, or a wrapper (read_sorted_file, ...) shown as itself.
      const steps = value
        .filter(isObject)
        .flatMap((step, position) =>
          isObject(step.table)
            ? [tableNode(step.table, false, position)]
            : isObject(step['block-nl-join'])
              ? [joinBuffer(step['block-nl-join'], position)]
              : children(step),
        );
      found.push(planNode({ operation: 'Nested loop join', children: steps }));
    } else if (key === 'block-nl-join' && isObject(value)) found.push(joinBuffer(value, 1));
    else if (isObject(value)) {
      const nested = children(value);
      if (nested.length > 0)
        found.push(
          planNode({
            operation: label(key),
            detail: stringFields(value),
            cost: planNumber(value.cost),
            children: nested,
          }),
        );
    } else if (Array.isArray(value)) {
      const nested = value.filter(isObject).flatMap((item) => children(item));
      if (nested.length > 0) found.push(planNode({ operation: label(key), children: nested }));
    }
  }
  return found;
}

function stringFields(object: Json): string {
  return Object.entries(object)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${String(value)}`)
    .join(' · ');
}

function joinBuffer(block: Json, position: number): PlanNodeView {
  const table = isObject(block.table) ? tableNode(block.table, true, position) : planNode({ operation: 'Table' });
  return {
    ...table,
    detail: [
      table.detail,
      `join buffer (${String(block.join_type ?? 'BNL')})`,
      block.attached_condition ? `condition: ${String(block.attached_condition)}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  };
}

/** MariaDB and MySQL: `EXPLAIN FORMAT=JSON` (estimates; the statement is optimised, not run). */
export const mysqlPlanReader: PlanReader = {
  engine: 'mysql',
  explainStatement: (sql) => `EXPLAIN FORMAT=JSON ${sql}`,
  readPlan(result: ExecutedQuery) {
    const document = firstJsonCell(result, 'MariaDB');
    if (!isObject(document) || !isObject(document.query_block)) return [];
    const block = document.query_block;
    return [
      planNode({
        operation: `Query block ${String(block.select_id ?? 1)}`,
        cost: planNumber(block.cost),
        children: children(block, new Set(['select_id', 'cost'])),
      }),
    ];
  },
};
