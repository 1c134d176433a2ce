import type { PlanNodeView } from '../../../../shared/ipc-contract.ts';
import type { ExecutedQuery } from '../dialect.ts';
import { planNode, planNumber, type PlanReader } from '../plan-reader.ts';

const LOOP = /^(SCAN|SEARCH)\s+(?:TABLE\s+)?("[^"]+"|\S+)(?:\s+AS\s+(\S+))?/;
const INDEX =
  /USING\s+(?:(?:AUTOMATIC\s+)?(?:PARTIAL\s+)?(?:COVERING\s+)?INDEX\s+(\S+)|(INTEGER PRIMARY KEY|PRIMARY KEY))/;

interface Row {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

/** SQLite: `EXPLAIN QUERY PLAN` gives the loops and their indexes, no row or cost estimates (the catalog's are used). */
export const sqlitePlanReader: PlanReader = {
  engine: 'sqlite',
  explainStatement: (sql) => `EXPLAIN QUERY PLAN ${sql}`,
  readPlan(result: ExecutedQuery) {
    const column = (name: string) => result.columns.findIndex((entry) => entry.name === name);
    const [idAt, parentAt, detailAt] = [column('id'), column('parent'), column('detail')];
    const rows: Row[] = result.rows.map((row) => ({
      id: planNumber(row[idAt]) ?? 0,
      parent: planNumber(row[parentAt]) ?? 0,
      detail: String(row[detailAt] ?? ''),
    }));
    const byParent = new Map<number, Row[]>();
    for (const row of rows) byParent.set(row.parent, [...(byParent.get(row.parent) ?? []), row]);
    const build = (parent: number, depth: number): PlanNodeView[] => {
      if (depth > 64) return [];
      let loops = 0;
      return (byParent.get(parent) ?? []).map((row) => {
        const loop = LOOP.exec(row.detail);
        const index = INDEX.exec(row.detail);
        const automatic = /\bAUTOMATIC\b/.test(row.detail);
        const fullScan = loop?.[1] === 'SCAN' && !index && !/\b(SUBQUERY|CONSTANT ROW)\b/.test(row.detail);
        const position = loop ? loops++ : -1;
        return planNode({
          operation: loop
            ? loop[1] === 'SCAN'
              ? fullScan
                ? 'Full table scan'
                : 'Index scan'
              : 'Index search'
            : row.detail,
          relation: loop ? loop[2]!.replace(/^"|"$/g, '') : null,
          index: index ? (index[1] ?? index[2] ?? null) : null,
          detail: row.detail,
          fullScan,
          // SQLite builds an automatic index when no index serves the join; a later loop scanning in full has none either.
          joinWithoutIndex: automatic || (fullScan && position > 0),
          children: build(row.id, depth + 1),
        });
      });
    };
    return build(0, 0);
  },
};
