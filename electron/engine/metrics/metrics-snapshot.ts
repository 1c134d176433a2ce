import type { IndexService } from '../embeddings/index-service.ts';
import type { ContextService } from '../query/context-service.ts';
import type { SourceService } from '../sources/source-service.ts';
import { quantile } from '../util/percentiles.ts';
import { guardCacheStats } from '../query/sql-guard.ts';
import { pieceCountCacheStats } from '../embeddings/token-counter.ts';
import type { MetricsRegistry, RegistrySnapshot } from './metrics-registry.ts';
import type { ProcessSample, ProcessSampler } from './process-sampler.ts';

export interface CacheStats {
  readonly name: string;
  readonly unit: 'bytes' | 'entries';
  readonly size: number;
  readonly limit: number;
  readonly hits: number | null;
  readonly misses: number | null;
  readonly evictions: number | null;
}

export interface PoolMetrics {
  readonly sourceId: string;
  readonly engine: string;
  readonly limit: number;
  readonly active: number;
  readonly idle: number;
  readonly waiting: number;
  readonly queueLimit: number;
  readonly acquired: number;
  readonly rejected: number;
  readonly waitP50: number | null;
  readonly waitP95: number | null;
  readonly waitP99: number | null;
}

export interface MetricsSnapshot {
  readonly at: string;
  readonly version: string;
  readonly mode: string;
  readonly uptimeSeconds: number;
  readonly process: ProcessSample;
  /** One-second samples, oldest first (the charts). */
  readonly history: ProcessSample[];
  readonly eventLoopLagP99Ms: number;
  readonly caches: CacheStats[];
  readonly vectors: { readonly sourceId: string; readonly items: number; readonly dimensions: number; readonly compactBytes: number; readonly fullCacheBytes: number; readonly budgetBytes: number }[];
  readonly pools: PoolMetrics[];
  readonly indexing: { readonly sourceId: string; readonly state: string; readonly done: number; readonly total: number; readonly itemsPerSecond: number }[];
  readonly registry: RegistrySnapshot;
}

export interface MetricsSources {
  readonly version: string;
  readonly mode: string;
  readonly registry: MetricsRegistry;
  readonly sampler: ProcessSampler;
  readonly sources: SourceService;
  readonly indexes: IndexService;
  readonly contexts: ContextService;
}

const withoutEvictions = (stats: { size: number; max: number; hits: number; misses: number }) => ({ size: stats.size, limit: stats.max, hits: stats.hits, misses: stats.misses, evictions: null });

const round = (value: number) => (Number.isNaN(value) ? null : Math.round(value * 10) / 10);

/**
 * One snapshot of everything the memory and metrics panels show, the same for the `metrics/snapshot` channel and
 * `schemascope stats --json`. Built from counters the components keep anyway; it holds numbers and ids only (no URLs,
 * no SQL, no messages), so it can go into a bug report as it is.
 */
export async function collectMetrics(from: MetricsSources, options: { historySince?: number } = {}): Promise<MetricsSnapshot> {
  const pools = (await from.sources.poolStats()).map(({ sourceId, stats }) => ({
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
  const vectorStats = from.indexes.memory();
  const open = from.sources.openPoolsCache();
  const prepared = from.contexts.cacheStats();
  const caches: CacheStats[] = [
    ...vectorStats.map((stats) => ({ name: `full vectors (${stats.sourceId})`, unit: 'bytes' as const, size: stats.fullCacheBytes, limit: Math.max(0, stats.budgetBytes - stats.compactBytes), hits: stats.hits, misses: stats.misses, evictions: stats.evictions })),
    { name: 'loaded vector indexes', unit: 'entries', size: vectorStats.length, limit: from.indexes.maxLoaded, hits: null, misses: null, evictions: null },
    { name: 'prepared snapshots (context)', unit: 'entries', size: prepared.size, limit: prepared.max, hits: prepared.hits, misses: prepared.misses, evictions: null },
    { name: 'open connection pools', unit: 'entries', size: open.size, limit: open.max, hits: null, misses: null, evictions: null },
    { name: 'SQL guard verdicts', unit: 'entries', ...withoutEvictions(guardCacheStats()) },
    { name: 'token counts of schema lines', unit: 'entries', ...withoutEvictions(pieceCountCacheStats()) },
  ];
  return {
    at: new Date().toISOString(),
    version: from.version,
    mode: from.mode,
    uptimeSeconds: Math.round(process.uptime()),
    process: from.sampler.latest(),
    history: from.sampler.history(options.historySince),
    eventLoopLagP99Ms: from.sampler.lagP99Overall(),
    caches,
    vectors: vectorStats.map(({ sourceId, items, dimensions, compactBytes, fullCacheBytes, budgetBytes }) => ({ sourceId, items, dimensions, compactBytes, fullCacheBytes, budgetBytes })),
    pools,
    indexing: from.indexes.running().map(({ sourceId, progress }) => ({ sourceId, state: progress.state, done: progress.done, total: progress.total, itemsPerSecond: progress.itemsPerSecond })),
    registry: from.registry.snapshot(),
  };
}
