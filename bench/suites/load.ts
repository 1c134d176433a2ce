import { serializeError } from '../../shared/errors.ts';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { ProcessSampler } from '../../electron/engine/metrics/process-sampler.ts';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import { mysqlUrl, postgresUrl } from '../../test/helpers/services.ts';
import { tempHome } from '../../test/helpers/temp-home.ts';
import { ensureWorkload, workloadSqliteFile } from '../../test/helpers/workloads.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';
import { FakeOpenAiProcess } from '../fake-openai-client.ts';

const MB = 1024 * 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * A minute of load: 200 concurrent clients querying MariaDB and PostgreSQL (pools of 10, queue 100) while W1000 is
 * indexed through the fake API with tier-1 limits. Reports every outcome by kind, heap at the start, peak and end
 * (after GC), and the main event loop's lag.
 */
export async function loadSuite(options: { quick: boolean; log: (line: string) => void }): Promise<BenchSection> {
  const seconds = options.quick ? 15 : 60;
  await ensureWorkload('w200', options.log);
  const fake = new FakeOpenAiProcess();
  await fake.start({ latencyMs: 500, requestsPerMinute: 3000, tokensPerMinute: 1_000_000 });
  const home = tempHome('schemascope-load-');
  const engine = createEngine({ home: home.dir, mode: 'web' });
  const sampler = new ProcessSampler(1000);
  try {
    const mysqlSource = engine.sources.add({ name: 'mysql', url: mysqlUrl('ss_w200') }).id;
    const pgSource = engine.sources.add({ name: 'pg', url: postgresUrl('ss_w200') }).id;
    const indexed = engine.sources.add({ name: 'index me', url: `sqlite:${workloadSqliteFile('w200')}` }).id;
    await engine.sources.refresh(indexed);
    // Warm up (pools open, tokenizer loaded), then measure from a collected heap.
    for (const sourceId of [mysqlSource, pgSource])
      await engine.handlers['query/execute']({ sourceId, sql: 'SELECT 1 AS one' }, {});
    gc();
    const heapStart = process.memoryUsage().heapUsed;
    let heapPeak = heapStart;
    sampler.start();
    // W200 indexed again and again for the whole minute: each run asks for other dimensions, so nothing is reused.
    let indexRuns = 0;
    let embedded = 0;
    let indexRequests = 0;
    let stopIndexing = false;
    let currentJob: { cancel(): void } | undefined;
    const indexing = (async () => {
      for (let dimensions = 256; !stopIndexing; dimensions -= 1) {
        const { job } = await engine.indexes.start(indexed, {
          provider: 'openai',
          baseUrl: fake.url,
          apiKey: 'sk-load-test',
          model: 'text-embedding-3-small',
          dimensions,
        });
        currentJob = job;
        const summary = await job.done;
        embedded += summary.embedded;
        indexRequests += summary.requests;
        if (summary.state === 'done') indexRuns += 1;
      }
    })();
    const outcomes = new Map<string, number>();
    const latencies: number[] = [];
    const examples = new Map<string, string>();
    const deadline = Date.now() + seconds * 1000;
    // Real tables of the workload (read from the catalog, so the awkward names are quoted right), and a trivial query.
    const names = engine.catalog
      .listTables(engine.catalog.latestSnapshot(indexed)!.id)
      .slice(0, 200)
      .map((table) => table.name)
      .filter((name) => /^t\d{4}_[a-z_]+$/.test(name));
    const queries = [(n: number) => `SELECT * FROM ${names[n % names.length]}`, () => 'SELECT 1 AS one'];
    const client = async (index: number) => {
      const sourceId = index % 2 === 0 ? mysqlSource : pgSource;
      for (let n = index; Date.now() < deadline; n += 200) {
        const sql = queries[n % 2]!(n);
        const started = performance.now();
        try {
          await engine.handlers['query/execute']({ sourceId, sql, limit: 100 }, {});
          latencies.push(performance.now() - started);
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } catch (error) {
          const { kind, message } = serializeError(error);
          outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
          if (!examples.has(kind)) examples.set(kind, message);
          if (kind === 'pool_busy') await new Promise((resolve) => setTimeout(resolve, 20)); // a client backs off
        }
        if (n % 50 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
    };
    await Promise.all(Array.from({ length: 200 }, (_unused, index) => client(index)));
    stopIndexing = true;
    currentJob?.cancel();
    await indexing;
    sampler.stop();
    const lag = sampler.history().map((sample) => sample.lagP99);
    await engine.sources.closeAll();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
    const heapEnd = process.memoryUsage().heapUsed;
    const other = [...outcomes].filter(([kind]) => kind !== 'ok' && kind !== 'pool_busy');
    options.log(
      `load: ${JSON.stringify(Object.fromEntries(outcomes))}; heap ${Math.round(heapStart / MB)} -> ${Math.round(heapPeak / MB)} -> ${Math.round(heapEnd / MB)} MB; lag p99 ${Math.max(...lag)} ms`,
    );
    const rows = [
      ['duration', `${seconds} s, 200 concurrent clients (half MariaDB, half PostgreSQL, pools of 10, queue 100)`],
      ['queries finished', (outcomes.get('ok') ?? 0).toLocaleString('en-US')],
      ['"pool busy" (well-formed, client backs off 20 ms)', (outcomes.get('pool_busy') ?? 0).toLocaleString('en-US')],
      [
        'other errors',
        other.length === 0 ? '0' : other.map(([kind, count]) => `${count} ${kind} (${examples.get(kind)})`).join('; '),
      ],
      [
        'query latency p50 / p95 / p99',
        `${ms(median(latencies))} / ${ms(quantile(latencies, 0.95))} / ${ms(quantile(latencies, 0.99))}`,
      ],
      [
        'indexing meanwhile (W200 through the fake API, again and again)',
        `${indexRuns} complete runs, ${embedded.toLocaleString('en-US')} items embedded in ${indexRequests} requests`,
      ],
      [
        'heap start / peak / end (after GC)',
        `${(heapStart / MB).toFixed(1)} / ${(heapPeak / MB).toFixed(1)} / ${(heapEnd / MB).toFixed(1)} MB (end - start: ${((heapEnd - heapStart) / MB).toFixed(1)} MB)`,
      ],
      ['main event-loop lag, per-second p99: median / max', `${median(lag)} ms / ${Math.max(...lag)} ms`],
    ];
    return {
      key: 'load',
      title: 'Load: 200 concurrent queries and a running index for a minute',
      command: `npm run bench -- --suite load${options.quick ? ' --quick' : ''}`,
      body: `Everything in one process, as in the app: the engine's handlers (the same ones IPC and web mode call), the real
servers, the indexer in its worker against the fake API in another process (500 ms latency, tier-1 limits).
Two cores are shared by this process, the worker, the fake API, MariaDB and PostgreSQL: the lag below is mostly a
saturated machine (every client sends its next query the moment the last one returns), not one long task.

${table(['what', 'measured'], rows)}`,
    };
  } finally {
    sampler.stop();
    await engine.close();
    fake.stop();
    home.cleanup();
  }
}
