import type { AppMode } from '../../../shared/ipc-contract.ts';
import path from 'node:path';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { createHandlers, type PlatformHooks } from './create-handlers.ts';
import type { HandlerTable } from './handler-table.ts';
import { IndexService } from '../search/index-service.ts';
import { WorkspaceStore } from '../catalog/workspace-store.ts';
import { SourceRefresher } from '../sources/source-refresher.ts';
import { CatalogWriter } from '../catalog/catalog-writer.ts';
import { AskService } from '../ask/ask-service.ts';
import { ContextService } from '../ask/context-service.ts';
import { ContextPrepWorker } from '../ask/context-prep.ts';
import { SqlDoor } from '../query/sql-door.ts';
import { ValueProfileStore } from '../catalog/value-profile-store.ts';
import { KnowledgeStore } from '../catalog/knowledge-store.ts';
import { SchemaPacks } from '../catalog/schema-pack.ts';
import { ValueProfileService } from '../ask/value-profile-service.ts';
import { resolvePoolSettings, type PoolSettings } from '../sources/dialect.ts';
import { MemorySecretStore, type SecretStore } from '../sources/secret-store.ts';
import { SourceService } from '../sources/source-service.ts';
import { EventHub } from '../platform/event-hub.ts';
import { appVersion } from '../platform/app-version.ts';
import { MetricsRegistry } from '../platform/metrics-registry.ts';
import { ProcessSampler } from '../metrics/process-sampler.ts';
import { registerMetricReports } from './metric-reports.ts';
import { packVectorStore } from '../search/pack-vector-store.ts';
import { collectMetrics, type MetricsSnapshot } from '../metrics/metrics-snapshot.ts';

export interface EngineOptions {
  /** Where the catalog and caches live (`--home`, SCHEMASCOPE_HOME, or the app's data folder). */
  readonly home: string;
  readonly mode: AppMode;
  readonly secrets?: SecretStore;
  readonly pool?: Partial<PoolSettings>;
  readonly maxOpenSources?: number;
  readonly platform?: PlatformHooks;
  /** Resident vector memory per loaded index (default 64 MB). */
  readonly vectorBudgetBytes?: number;
}

export interface Engine {
  readonly home: string;
  readonly catalog: CatalogStore;
  readonly sources: SourceService;
  readonly door: SqlDoor;
  readonly events: EventHub;
  readonly indexes: IndexService;
  readonly contexts: ContextService;
  readonly workspace: WorkspaceStore;
  readonly asks: AskService;
  readonly profiles: ValueProfileService;
  readonly knowledge: KnowledgeStore;
  readonly handlers: HandlerTable;
  readonly metrics: MetricsRegistry;
  /** The memory and metrics panels' snapshot; also `schemascope stats --json`. */
  snapshotMetrics(options?: { historySince?: number }): Promise<MetricsSnapshot>;
  close(): Promise<void>;
}

/**
 * The engine's composition root: plain Node, no `electron` import. The Electron main process, the web server and
 * the CLI each create one and adapt its handler table to their transport.
 */
export function createEngine(options: EngineOptions): Engine {
  const home = path.resolve(options.home);
  const catalog = new CatalogStore(CatalogStore.file(home));
  const events = new EventHub();
  const metrics = new MetricsRegistry();
  const sampler = new ProcessSampler(1000, () => ({
    embeddingRequestsPerMinute: metrics.perMinute('embedding.requests'),
    http429PerMinute: metrics.perMinute('embedding.http_429') + metrics.perMinute('llm.http_429'),
    queriesPerMinute: metrics.perMinute('query.count'),
    llmRequestsPerMinute: metrics.perMinute('llm.requests'),
  })).start();
  const door = new SqlDoor(metrics);
  const secrets = options.secrets ?? new MemorySecretStore();
  const writer = new CatalogWriter(catalog, CatalogStore.file(home));
  const refresher = new SourceRefresher(CatalogStore.file(home));
  const sources = new SourceService({
    catalog,
    writer,
    refresher,
    secrets,
    events,
    pool: resolvePoolSettings(options.pool),
    maxOpenSources: options.maxOpenSources ?? 8,
    baseDir: process.cwd(),
  });
  // One worker reads and indexes large snapshots and vector indexes off the main thread, for retrieval and search.
  const prepWorker = new ContextPrepWorker(CatalogStore.file(home));
  const workspace = new WorkspaceStore(catalog);
  const indexes = new IndexService({
    home,
    catalog,
    sources,
    secrets,
    events,
    vectorBudgetBytes: options.vectorBudgetBytes,
    metrics,
    prepWorker,
    settings: workspace,
  });
  const profileStore = new ValueProfileStore(catalog);
  const profiles = new ValueProfileService({ catalog, sources, door, store: profileStore, events });
  const knowledge = new KnowledgeStore(catalog);
  const contexts = new ContextService({
    catalog,
    sources,
    indexes,
    metrics,
    worker: prepWorker,
    profiles: profileStore,
    knowledge,
    home,
  });
  const asks = new AskService({
    contexts,
    sources,
    door,
    workspace,
    secrets,
    observer: {
      onRequest: ({ ok, status, ms }) => {
        metrics.observe('llm.request_ms', ms);
        metrics.inc('llm.requests');
        if (!ok) metrics.inc(status === 429 ? 'llm.http_429' : 'llm.errors');
      },
    },
  });
  // What a question needs is written by the indexer (from the snapshot it reads anyway, stored for every process) and
  // loaded here when a job ends, so that it is ready when the index is, not at the first question.
  let closed = false;
  const stopPreparing = events.subscribe((event) => {
    if (event.channel !== 'index/progress') return;
    const { progress, sourceId } = event.payload;
    if (progress.state !== 'done') return;
    // After this turn, and never keeping the process alive: a one-shot CLI `index` exits instead of loading it.
    setTimeout(() => {
      const latest = closed ? undefined : catalog.latestSnapshot(sourceId);
      if (latest) void contexts.prepare(latest.id).catch(() => undefined); // the first question prepares it otherwise
    }, 0).unref();
  });
  registerMetricReports(metrics, { sources, indexes, contexts });
  const version = appVersion();
  const snapshotMetrics = (snapshotOptions: { historySince?: number } = {}) =>
    collectMetrics({ version, mode: options.mode, registry: metrics, sampler }, snapshotOptions);
  const packs = new SchemaPacks({
    catalog,
    knowledge,
    profiles: profileStore,
    version,
    vectors: packVectorStore(home),
  });
  const handlers = createHandlers({
    snapshotMetrics,
    version,
    mode: options.mode,
    home,
    catalog,
    sources,
    door,
    indexes,
    contexts,
    workspace,
    asks,
    profiles,
    events,
    knowledge,
    packs,
    platform: options.platform ?? {},
  });
  return {
    home,
    catalog,
    sources,
    door,
    events,
    indexes,
    contexts,
    workspace,
    asks,
    profiles,
    knowledge,
    handlers,
    metrics,
    snapshotMetrics,
    async close() {
      closed = true;
      stopPreparing();
      sampler.stop();
      workspace.flush();
      indexes.close();
      await sources.closeAll();
      await writer.close();
      await refresher.close();
      await prepWorker.close();
      catalog.close();
    },
  };
}
