/**
 * Run by the largest-schemas suite in a fresh process per engine (with --expose-gc), so that its memory figures are
 * the product's alone: refresh (introspect + save) a W10k source, open and filter the table list, index it with the
 * built-in provider, then ask the first question in this process and in another process on the same data folder
 * (`bench/w10k-fresh.ts`), and measure warm search and context. Prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../electron/engine/app/engine.ts';
import { dispatch } from '../electron/engine/app/dispatch.ts';
import { median, quantile } from '../electron/engine/platform/percentiles.ts';
import { tempHome } from '../test/helpers/temp-home.ts';

const [url] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const home = tempHome('w10k-');
let rssPeak = 0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);

async function call<T>(
  engine: ReturnType<typeof createEngine>,
  channel: string,
  payload: unknown,
): Promise<{ value: T; ms: number }> {
  const at = performance.now();
  const answer = await dispatch(engine.handlers, channel, payload);
  const ms = performance.now() - at;
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.kind}: ${answer.error.message}`);
  return { value: answer.value as T, ms };
}

const engine = createEngine({ home: home.dir, mode: 'web' });
const sourceId = engine.sources.add({ name: 'w10k', url: url! }).id;

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const refresh = await call<{ queries: number; ms: number; counts: { tables: number; columns: number } }>(
  engine,
  'schema/refresh',
  { sourceId },
);
lag.disable();

const tableList: number[] = [];
const filter: number[] = [];
for (let round = 0; round < 5; round += 1) {
  const listed = await call<{ tables: { name: string; comment: string | null }[] }>(engine, 'schema/tables', {
    sourceId,
  });
  tableList.push(listed.ms);
  const at = performance.now();
  const needle = `ord_${round}`;
  listed.value.tables.filter(
    (table) => table.name.toLowerCase().includes(needle) || (table.comment ?? '').toLowerCase().includes(needle),
  );
  filter.push(performance.now() - at);
}

const indexStarted = performance.now();
const { job } = await engine.indexes.start(sourceId, { provider: 'local' });
const summary = await job.done;
const indexMs = performance.now() - indexStarted;

const QUESTIONS = [
  'customer account balance by country',
  'order header total amount last month',
  'shipment tracking date per warehouse',
  'employee department budget',
  'invoice payment status and currency',
  'warehouse item quantity',
  'support ticket status count',
  'campaign lead email',
  'vendor contract amount',
  'fixed asset project code',
];
const first = await call<{ tokens: number; retrieval: { prepareMs: number } }>(engine, 'context/build', {
  sourceId,
  question: QUESTIONS[0],
  budget: 4000,
});

// Another process on the same data folder (what a CLI call or an MCP server meets), measured on its own.
const freshRun = JSON.parse(
  execFileSync(
    process.execPath,
    [path.join(root, 'bin', 'run-ts.mjs'), 'bench/w10k-fresh.ts', home.dir, sourceId, QUESTIONS[1]!, QUESTIONS[2]!],
    { cwd: root, env: process.env },
  )
    .toString()
    .trim()
    .split('\n')
    .pop()!,
) as { contextMs: number; searchMs: number; rssPeakMb: number };

const search: number[] = [];
const context: number[] = [];
for (let round = 0; round < 3; round += 1) {
  for (const question of QUESTIONS) {
    search.push((await call<unknown>(engine, 'search/query', { sourceId, text: `${question} ${round}`, k: 20 })).ms);
    context.push(
      (await call<unknown>(engine, 'context/build', { sourceId, question: `${question} ${round}`, budget: 4000 })).ms,
    );
  }
}
const metrics = await engine.snapshotMetrics();
clearInterval(sampler);
(globalThis as { gc?: () => void }).gc?.();
const after = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    tables: refresh.value.counts.tables,
    columns: refresh.value.counts.columns,
    refreshMs: refresh.ms,
    introspectQueries: refresh.value.queries,
    refreshLagMaxMs: lag.max / 1e6,
    tableListP50: median(tableList),
    filterP50: median(filter),
    items: summary.total,
    indexState: summary.state,
    indexMs,
    firstContextMs: first.ms,
    freshFirstContextMs: freshRun.contextMs,
    freshFirstSearchMs: freshRun.searchMs,
    freshRssPeakMb: freshRun.rssPeakMb,
    searchP50: median(search),
    searchP95: quantile(search, 0.95),
    contextP50: median(context),
    contextP95: quantile(context, 0.95),
    rssPeakMb: rssPeak / MB,
    rssAfterMb: after.rss / MB,
    heapAfterMb: after.heapUsed / MB,
    caches: metrics.caches.map((cache) => ({
      name: cache.name,
      size: cache.size,
      limit: cache.limit,
      unit: cache.unit,
    })),
    vectors: metrics.vectors,
  })}\n`,
);
await engine.close();
home.cleanup();
process.exit(0);
