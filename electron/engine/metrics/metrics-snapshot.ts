import type { MetricsSnapshotView } from '../../../shared/ipc-contract.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import type { ProcessSampler } from './process-sampler.ts';

/** The contract's type is the one source of truth for the snapshot's shape. */
export type MetricsSnapshot = MetricsSnapshotView;
export type CacheStats = MetricsSnapshot['caches'][number];

export interface MetricsSources {
  readonly version: string;
  readonly mode: string;
  readonly registry: MetricsRegistry;
  readonly sampler: ProcessSampler;
}

/**
 * One snapshot of everything the memory and metrics panels show, the same for the `metrics/snapshot` channel and
 * `schemascope stats --json`. Built from what components registered with the registry (a leaf: it imports no
 * service); it holds numbers and ids only (no URLs, no SQL, no messages), so it can go into a bug report as it is.
 */
export async function collectMetrics(
  from: MetricsSources,
  options: { historySince?: number } = {},
): Promise<MetricsSnapshot> {
  const reports = await from.registry.reports();
  return {
    at: new Date().toISOString(),
    version: from.version,
    mode: from.mode,
    uptimeSeconds: Math.round(process.uptime()),
    process: from.sampler.latest(),
    history: from.sampler.history(options.historySince),
    eventLoopLagP99Ms: from.sampler.lagP99Overall(),
    ...reports,
    registry: from.registry.snapshot(),
  };
}
