/**
 * Run by the indexing suite in a fresh process (with --expose-gc), so that its memory figures are those of the
 * product alone: index W1000 at 1,536 dimensions through the fake server with the 64 MB vector budget, watch the
 * event loop meanwhile, then search. Prints one JSON line.
 */
import { WORKLOAD_SEARCH_PHRASES } from './questions/search-phrases.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine } from '../electron/engine/app/engine.ts';
import type { ProviderSettings } from '../electron/engine/search/embedding-provider.ts';
import { median, quantile } from '../electron/engine/platform/percentiles.ts';
import { mysqlUrl } from '../test/helpers/services.ts';
import { tempHome } from '../test/helpers/temp-home.ts';

const [fakeUrl, database = 'ss_w1000'] = process.argv.slice(2);
const MB = 1024 * 1024;
const home = tempHome();
const engine = createEngine({ home: home.dir, mode: 'web', vectorBudgetBytes: 64 * MB });
const sourceId = engine.sources.add({ name: database, url: mysqlUrl(database) }).id;
await engine.sources.refresh(sourceId);
const settings = {
  provider: 'openai',
  baseUrl: fakeUrl,
  apiKey: 'k',
  encoding: 'base64',
  requestsPerMinute: 1e9,
  tokensPerMinute: 1e12,
} as ProviderSettings;
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const started = performance.now();
const { job } = await engine.indexes.start(sourceId, settings);
const summary = await job.done;
const indexMs = performance.now() - started;
lag.disable();
const questions = WORKLOAD_SEARCH_PHRASES;
const total: number[] = [];
const embed: number[] = [];
const search: number[] = [];
for (let round = 0; round < 6; round += 1) {
  for (const question of questions) {
    const at = performance.now();
    const answer = await engine.indexes.search(sourceId, `${question} ${round}`, 20);
    total.push(performance.now() - at);
    embed.push(answer.timings.embedMs);
    search.push(answer.timings.searchMs);
  }
}
(globalThis as { gc?: () => void }).gc?.();
const memory = process.memoryUsage();
const vector = engine.indexes.memory()[0]!;
process.stdout.write(
  `${JSON.stringify({
    items: summary.total,
    requests: summary.requests,
    state: summary.state,
    indexMs,
    lagP50: lag.percentile(50) / 1e6,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    rssMb: memory.rss / MB,
    heapMb: memory.heapUsed / MB,
    externalMb: memory.external / MB,
    arrayBuffersMb: memory.arrayBuffers / MB,
    vector,
    search: {
      totalP50: median(total),
      totalP95: quantile(total, 0.95),
      embedP95: quantile(embed, 0.95),
      indexP50: median(search),
      indexP95: quantile(search, 0.95),
    },
  })}\n`,
);
await engine.close();
home.cleanup();
process.exit(0);
