import type { PlanNodeView } from '../../../shared/ipc-contract.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import type { ExecutedQuery } from './dialect.ts';

/**
 * A dialect's plan role: how its EXPLAIN is written (never ANALYZE: the statement must not run) and how its answer
 * becomes the common plan tree. One file per engine (`<engine>/<engine>-plan-reader.ts`), listed in `plan-readers.ts`.
 */
export interface PlanReader {
  readonly engine: Engine;
  /** The EXPLAIN statement for one query the guard has passed. */
  explainStatement(sql: string): string;
  /** The plan's roots from the rows EXPLAIN returned. */
  readPlan(result: ExecutedQuery): PlanNodeView[];
}

export function planNode(fields: Partial<PlanNodeView> & Pick<PlanNodeView, 'operation'>): PlanNodeView {
  const { operation, ...rest } = fields;
  return {
    operation,
    relation: null,
    index: null,
    rows: null,
    cost: null,
    detail: '',
    fullScan: false,
    joinWithoutIndex: false,
    children: [],
    ...rest,
  };
}

/** A number from a driver's JSON (numbers, numeric strings); null otherwise. */
export function planNumber(value: unknown): number | null {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

/** The JSON text or value of the first cell of the first row (PostgreSQL and MariaDB answer with one JSON document). */
export function firstJsonCell(result: ExecutedQuery, label: string): unknown {
  const cell = result.rows[0]?.[0];
  if (typeof cell !== 'string') throw new Error(`${label} EXPLAIN returned no JSON plan.`);
  return JSON.parse(cell) as unknown;
}
