import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mysqlUrl, postgresUrl } from '../../test/helpers/services.ts';
import { ensureWorkload, workloadSqliteFile } from '../../test/helpers/workloads.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  tables: number;
  columns: number;
  refreshMs: number;
  introspectQueries: number;
  refreshLagMaxMs: number;
  tableListP50: number;
  filterP50: number;
  items: number;
  indexState: string;
  indexMs: number;
  firstContextMs: number;
  freshFirstContextMs: number;
  freshFirstSearchMs: number;
  freshRssPeakMb: number;
  searchP50: number;
  searchP95: number;
  contextP50: number;
  contextP95: number;
  rssPeakMb: number;
  rssAfterMb: number;
  caches: { name: string; size: number; limit: number; unit: string }[];
  vectors: {
    sourceId: string;
    items: number;
    compactBytes: number;
    fullCacheBytes: number;
    budgetBytes: number;
    itemBytes: number;
  }[];
}

const mark = (value: number, target: number): string => `${value <= target ? '✓' : '✗'}`;

/**
 * W10k (10,000 tables x 50 columns, comments and foreign keys) on the three engines, each in a fresh process
 * (`bench/w10k-run.ts`), against issue #14's targets.
 */
export async function largestSchemasSuite(options: { log: (line: string) => void }): Promise<BenchSection> {
  await ensureWorkload('w10k', options.log);
  const engines: [string, string][] = [
    ['SQLite', `sqlite:${workloadSqliteFile('w10k')}`],
    ['MariaDB', mysqlUrl('ss_w10k')],
    ['PostgreSQL', postgresUrl('ss_w10k')],
  ];
  const runs: [string, Run][] = [];
  for (const [name, url] of engines) {
    options.log(`w10k on ${name}`);
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', path.join(root, 'bin', 'run-ts.mjs'), 'bench/w10k-run.ts', url],
      { cwd: root, env: process.env, maxBuffer: 16 * 1024 * 1024 },
    ).toString();
    runs.push([name, JSON.parse(output.trim().split('\n').pop()!) as Run]);
  }
  const row = (label: string, target: string, pick: (run: Run) => string) => [
    label,
    target,
    ...runs.map(([, run]) => pick(run)),
  ];
  const rows = [
    row(
      'tables / columns',
      '10,000 / 500,000',
      (run) => `${run.tables.toLocaleString('en-US')} / ${run.columns.toLocaleString('en-US')}`,
    ),
    row('introspect + save (refresh)', '<= 15 s', (run) => `${ms(run.refreshMs)} ${mark(run.refreshMs, 15_000)}`),
    row('catalog queries', 'constant', (run) => String(run.introspectQueries)),
    row(
      'main-thread stall during refresh (max)',
      '<= 50 ms',
      (run) => `${ms(run.refreshLagMaxMs)} ${mark(run.refreshLagMaxMs, 50)}`,
    ),
    row(
      'table list for the tree (handler, p50)',
      '<= 50 ms',
      (run) => `${ms(run.tableListP50)} ${mark(run.tableListP50, 50)}`,
    ),
    row('filter 10,000 names (p50)', '<= 50 ms', (run) => `${ms(run.filterP50)} ${mark(run.filterP50, 50)}`),
    row(
      'index, built-in provider',
      '<= 60 s',
      (run) =>
        `${ms(run.indexMs)} ${mark(run.indexMs, 60_000)} (${run.items.toLocaleString('en-US')} items, ${run.indexState})`,
    ),
    row(
      'first question after indexing, same process',
      '<= 3 s',
      (run) => `${ms(run.firstContextMs)} ${mark(run.firstContextMs, 3000)}`,
    ),
    row(
      'first question, another process on the folder',
      '<= 3 s',
      (run) => `${ms(run.freshFirstContextMs)} ${mark(run.freshFirstContextMs, 3000)}`,
    ),
    row('first search, another process', '', (run) => ms(run.freshFirstSearchMs)),
    row(
      'search p50 / p95 (warm)',
      'p95 <= 150 ms',
      (run) => `${ms(run.searchP50)} / ${ms(run.searchP95)} ${mark(run.searchP95, 150)}`,
    ),
    row(
      'context p50 / p95 (warm, 4,000 tokens)',
      'p95 <= 300 ms',
      (run) => `${ms(run.contextP50)} / ${ms(run.contextP95)} ${mark(run.contextP95, 300)}`,
    ),
    row(
      'RSS peak / after',
      '< 1 GB',
      (run) => `${run.rssPeakMb.toFixed(0)} / ${run.rssAfterMb.toFixed(0)} MB ${mark(run.rssPeakMb, 1024)}`,
    ),
    row(
      'RSS peak of that other process',
      '< 1 GB',
      (run) => `${run.freshRssPeakMb.toFixed(0)} MB ${mark(run.freshRssPeakMb, 1024)}`,
    ),
    row(
      'resident vectors / budget',
      'within budget',
      (run) =>
        run.vectors
          .map(
            (vector) =>
              `${((vector.compactBytes + vector.fullCacheBytes) / 1048576).toFixed(1)} / ${(vector.budgetBytes / 1048576).toFixed(0)} MB (item ids ${(vector.itemBytes / 1048576).toFixed(1)} MB beside)`,
          )
          .join(', ') || 'none (built-in provider ranks by names)',
    ),
    row('bounded caches (size / limit)', 'every one bounded', (run) =>
      run.caches.map((cache) => `${cache.name}: ${cache.size}/${cache.limit}`).join('; '),
    ),
  ];
  return {
    key: 'largest-schemas',
    title: 'Largest schemas: W10k (10,000 tables, 500,000 columns) on SQLite, MariaDB and PostgreSQL',
    command: 'npm run bench -- --suite largest-schemas',
    body: `Each engine in a fresh process (\`bench/w10k-run.ts\`): refresh (introspect and save the snapshot), the table
list the schema tree draws and a filter over it, indexing with the built-in provider, the first question after indexing
(in the same process, and in another process on the same data folder, \`bench/w10k-fresh.ts\`: what a CLI call or an
MCP server meets), then 30 warm searches and contexts. RSS is sampled every 50 ms over the whole run (worker threads
included: they are in the process). One run each; the machine is shared, so read the numbers with that in mind.

${table(['measure', 'target', ...runs.map(([name]) => name)], rows)}`,
  };
}
