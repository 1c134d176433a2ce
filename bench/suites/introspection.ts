import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../../test/helpers/services.ts';
import { ensureWorkload, workloadDatabase } from '../../test/helpers/workloads.ts';
import type { WorkloadName } from '../../test/workloads/workload-schema.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';
import { perTableMysql, perTablePostgres } from '../baselines/per-table-introspection.ts';

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/**
 * Introspection of W200 and W1000 on MariaDB and PostgreSQL: Schemascope's set-based introspector against the
 * predecessor's one-query-per-table approach, side by side in the same run, with the catalog queries each issued.
 */
export async function introspectionSuite(options: {
  runs: number;
  workloads: WorkloadName[];
  log: (line: string) => void;
}): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const workload of options.workloads) {
    await ensureWorkload(workload, options.log);
    const database = workloadDatabase(workload);
    for (const engine of ['mysql', 'postgres'] as const) {
      const url = engine === 'mysql' ? mysqlUrl(database) : postgresUrl(database);
      const ours: number[] = [];
      let queries = 0;
      let columns = 0;
      for (let run = 0; run < options.runs; run += 1) {
        // A new pool each time: connecting is part of what the analyst waits for.
        const result = await timed(async () => {
          const connection = await connectSource(parseConnectionUrl(url), resolvePoolSettings());
          try {
            return await connection.introspect();
          } finally {
            await connection.close();
          }
        });
        ours.push(result.ms);
        queries = result.value.stats.queries;
        columns = result.value.snapshot.tables.reduce((sum, t) => sum + t.columns.length, 0);
      }
      // The baseline is slow by nature (minutes on W1000 PostgreSQL): fewer runs there.
      const baselineRuns = workload === 'w1000' ? 1 : Math.max(1, Math.min(3, options.runs));
      const baseline: number[] = [];
      let baselineQueries = 0;
      for (let run = 0; run < baselineRuns; run += 1) {
        const result = await timed(() =>
          engine === 'mysql' ? perTableMysql(MARIADB, database) : perTablePostgres({ ...POSTGRES, database }),
        );
        baseline.push(result.ms);
        baselineQueries = result.value.queries;
      }
      options.log(`${workload} ${engine}: ours ${ms(median(ours))}, per-table ${ms(median(baseline))}`);
      rows.push([
        workload.toUpperCase(),
        engine === 'mysql' ? 'MariaDB' : 'PostgreSQL',
        columns.toLocaleString('en-US'),
        `${ms(median(ours))} / ${ms(quantile(ours, 0.95))}`,
        queries,
        `${ms(median(baseline))}`,
        baselineQueries.toLocaleString('en-US'),
        `${(median(baseline) / median(ours)).toFixed(1)}x`,
      ]);
    }
  }
  return {
    key: 'introspection',
    title: 'Introspection: set-based catalog queries vs one query per table',
    command: `npm run bench -- --suite introspection`,
    body: `Targets (targets.md): W200 <= 1 s, W1000 <= 5 s, a constant number of catalog queries. Each Schemascope run opens a
new pool, introspects every table, column, key and index, and closes (${options.runs} runs; median / p95). The baseline is
the predecessor's approach: list the tables, then 3 catalog queries per table (${Math.min(3, options.runs)} runs on W200, 1 on W1000).

${table(['workload', 'server', 'columns', 'Schemascope median / p95', 'catalog queries', 'per-table baseline', 'baseline queries', 'speed-up'], rows)}`,
  };
}
