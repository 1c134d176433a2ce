import type { ContextService } from '../ask/context-service.ts';
import { guardCacheStats } from '../query/sql-guard.ts';
import { pieceCountCacheStats } from '../platform/token-counter.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import { quantile } from '../platform/percentiles.ts';
import type { IndexService } from '../search/index-service.ts';
import type { SourceService } from '../sources/source-service.ts';

const withoutEvictions = (stats: { size: number; max: number; hits: number; misses: number }) => ({
  size: stats.size,
  limit: stats.max,
  hits: stats.hits,
  misses: stats.misses,
  evictions: null,
});

const round = (value: number) => (Number.isNaN(value) ? null : Math.round(value * 10) / 10);

/**
 * Registers what each service reports to the metrics panel (pools, vector memory, running index jobs, every bounded
 * cache). The composition root does it, so the services stay unaware of the panel and `metrics/` imports none of them.
 */
export function registerMetricReports(
  registry: MetricsRegistry,
  services: { sources: SourceService; indexes: IndexService; contexts: ContextService },
): void {
  const { sources, indexes, contexts } = services;
  registry.report('sources', async () => {
    const open = sources.openPoolsCache();
    const pools = (await sources.poolStats()).map(({ sourceId, stats }) => ({
      sourceId,
      engine: stats.engine,
      limit: stats.limit,
      active: stats.active,
      idle: stats.idle,
      waiting: stats.waiting,
      queueLimit: stats.queueLimit,
      acquired: stats.acquired,
      rejected: stats.rejected,
      waitP50: round(quantile(stats.recentWaitsMs, 0.5)),
      waitP95: round(quantile(stats.recentWaitsMs, 0.95)),
      waitP99: round(quantile(stats.recentWaitsMs, 0.99)),
    }));
    return {
      pools,
      caches: [
        {
          name: 'open connection pools',
          unit: 'entries',
          size: open.size,
          limit: open.max,
          hits: null,
          misses: null,
          evictions: null,
        },
      ],
    };
  });
  registry.report('search', () => {
    const vectorStats = indexes.memory();
    return {
      caches: [
        ...vectorStats.map((stats) => ({
          name: `full vectors (${stats.sourceId})`,
          unit: 'bytes' as const,
          size: stats.fullCacheBytes,
          // The LRU's own bound (at least one vector: a search must re-score), not the budget's remainder, which is 0
          // when the compact copy takes the whole budget while the LRU still holds a vector.
          limit: stats.fullCacheLimitBytes,
          hits: stats.hits,
          misses: stats.misses,
          evictions: stats.evictions,
        })),
        {
          name: 'loaded vector indexes',
          unit: 'entries',
          size: vectorStats.length,
          limit: indexes.maxLoaded,
          hits: null,
          misses: null,
          evictions: null,
        },
        {
          name: 'index providers per source',
          unit: 'entries',
          size: indexes.providerMemo().size,
          limit: indexes.providerMemo().max,
          hits: null,
          misses: null,
          evictions: null,
        },
      ],
      vectors: vectorStats.map(
        ({ sourceId, items, dimensions, compactBytes, fullCacheBytes, budgetBytes, itemBytes }) => ({
          sourceId,
          items,
          dimensions,
          compactBytes,
          fullCacheBytes,
          budgetBytes,
          itemBytes,
        }),
      ),
      indexing: indexes.running().map(({ sourceId, progress }) => ({
        sourceId,
        state: progress.state,
        done: progress.done,
        total: progress.total,
        itemsPerSecond: progress.itemsPerSecond,
      })),
    };
  });
  registry.report('ask', () => {
    const prepared = contexts.cacheStats();
    return {
      caches: [
        {
          name: 'prepared snapshots (context)',
          unit: 'entries',
          size: prepared.size,
          limit: prepared.max,
          hits: prepared.hits,
          misses: prepared.misses,
          evictions: null,
        },
      ],
    };
  });
  registry.report('query', () => ({
    caches: [
      { name: 'SQL guard verdicts', unit: 'entries', ...withoutEvictions(guardCacheStats()) },
      { name: 'token counts of schema lines', unit: 'entries', ...withoutEvictions(pieceCountCacheStats()) },
    ],
  }));
}
