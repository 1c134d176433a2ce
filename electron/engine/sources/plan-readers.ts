import type { Engine } from '../../../shared/schema-types.ts';
import { mysqlPlanReader } from './mysql/mysql-plan-reader.ts';
import type { PlanReader } from './plan-reader.ts';
import { postgresPlanReader } from './postgres/postgres-plan-reader.ts';
import { sqlitePlanReader } from './sqlite/sqlite-plan-reader.ts';

/** Every engine's plan role; none loads a driver. */
const PLAN_READERS: ReadonlyMap<Engine, PlanReader> = new Map<Engine, PlanReader>([
  ['sqlite', sqlitePlanReader],
  ['mysql', mysqlPlanReader],
  ['postgres', postgresPlanReader],
]);

export function planReaderOf(engine: Engine): PlanReader {
  const reader = PLAN_READERS.get(engine);
  if (!reader) throw new TypeError(`No plan reader for engine ${engine}`);
  return reader;
}
