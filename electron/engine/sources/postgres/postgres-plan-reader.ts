import type { PlanNodeView } from '../../../../shared/ipc-contract.ts';
import type { ExecutedQuery } from '../dialect.ts';
import { firstJsonCell, planNode, planNumber, type PlanReader } from '../plan-reader.ts';

interface PgPlan {
  readonly 'Node Type'?: string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly Alias?: string;
  readonly 'Index Name'?: string;
  readonly 'Join Type'?: string;
  readonly 'Total Cost'?: number;
  readonly 'Plan Rows'?: number;
  readonly Filter?: string;
  readonly 'Index Cond'?: string;
  readonly 'Hash Cond'?: string;
  readonly 'Merge Cond'?: string;
  readonly 'Join Filter'?: string;
  readonly 'Sort Key'?: readonly string[];
  readonly 'Group Key'?: readonly string[];
  readonly Plans?: readonly PgPlan[];
}

const DETAIL_KEYS = ['Index Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter'] as const;

function seqScanIn(plan: PgPlan): PgPlan | undefined {
  if (plan['Node Type'] === 'Seq Scan') return plan;
  for (const child of plan.Plans ?? []) {
    const found = seqScanIn(child);
    if (found) return found;
  }
  return undefined;
}

/**
 * A join that reads a table in full to match rows an index could have looked up: a nested loop whose inner side is a
 * sequential scan (once per outer row), or a hash join where one side scans a whole table to meet ten times fewer
 * rows from the other side. A hash join of two large inputs is the right plan with or without an index: not flagged.
 */
function joinsWithoutIndex(type: string, children: readonly PgPlan[]): boolean {
  if (children.length !== 2) return false;
  if (type === 'Nested Loop') return seqScanIn(children[1]!) !== undefined;
  if (type !== 'Hash Join') return false;
  return [0, 1].some((side) => {
    const scan = seqScanIn(children[side]!);
    const scanned = planNumber(scan?.['Plan Rows']);
    const other = planNumber(children[1 - side]!['Plan Rows']);
    return scanned !== null && other !== null && other * 10 <= scanned;
  });
}

function read(plan: PgPlan): PlanNodeView {
  const type = plan['Node Type'] ?? 'Step';
  const children = plan.Plans ?? [];
  const details = DETAIL_KEYS.flatMap((key) => (plan[key] ? [`${key}: ${plan[key]}`] : []));
  if (plan['Sort Key']) details.push(`Sort Key: ${plan['Sort Key'].join(', ')}`);
  if (plan['Group Key']) details.push(`Group Key: ${plan['Group Key'].join(', ')}`);
  const relation = plan['Relation Name']
    ? plan.Schema
      ? `${plan.Schema}.${plan['Relation Name']}`
      : plan['Relation Name']
    : null;
  return planNode({
    operation: plan['Join Type'] && type !== 'Hash' ? `${type} (${plan['Join Type']})` : type,
    relation,
    index: plan['Index Name'] ?? null,
    rows: planNumber(plan['Plan Rows']),
    cost: planNumber(plan['Total Cost']),
    detail: details.join(' · '),
    fullScan: type === 'Seq Scan',
    joinWithoutIndex: joinsWithoutIndex(type, children),
    children: children.map(read),
  });
}

/** PostgreSQL: `EXPLAIN (FORMAT JSON)`, estimates only (no ANALYZE, so nothing runs). */
export const postgresPlanReader: PlanReader = {
  engine: 'postgres',
  explainStatement: (sql) => `EXPLAIN (FORMAT JSON) ${sql}`,
  readPlan(result: ExecutedQuery) {
    const document = firstJsonCell(result, 'PostgreSQL') as readonly { Plan?: PgPlan }[];
    return (Array.isArray(document) ? document : []).flatMap((entry) => (entry.Plan ? [read(entry.Plan)] : []));
  },
};
