import { LRUCache } from 'lru-cache';
import { AppError } from '../../../shared/errors.ts';
import { indexProgress, type ResponseOf } from '../../../shared/ipc-contract.ts';
import type { DeepReadonly } from '../../../shared/schema-types.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import { HEARTBEAT_EVERY_MS, JobLockStore, type JobHolder } from '../catalog/job-lock-store.ts';
import type { SecretStore } from '../sources/secret-store.ts';
import type { SourceService } from '../sources/source-service.ts';
import type { EventHub } from '../platform/event-hub.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import { compactVectorsFile } from './compact-vectors-file.ts';
import { createProvider } from './create-provider.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import type { EmbeddingProvider, ProviderSettings } from './embedding-provider.ts';
import { startIndexJob, type IndexJob } from './indexer-client.ts';
import { OpenAiEmbeddingProvider } from './openai-provider.ts';
import type { IndexProgress, IndexSummary } from './indexer-protocol.ts';
import {
  DEFAULT_VECTOR_BUDGET_BYTES,
  VectorIndex,
  type VectorIndexParts,
  type VectorMemoryStats,
} from './vector-index.ts';

/** Loads a vector index's compact copy off the main thread (the context worker does; search does not own it). */
export interface VectorLoader {
  loadVectors(
    embeddingsFile: string,
    sourceId: string,
    providerId: string,
    budgetBytes: number,
  ): Promise<VectorIndexParts | null>;
}

/** A search answer's parts, as the contract carries them (inferred: one source of truth). */
export type SearchResult = DeepReadonly<ResponseOf<'search/query'>['results'][number]>;
export type VectorCoverage = DeepReadonly<ResponseOf<'search/query'>['coverage']>;

export interface IndexServiceOptions {
  readonly home: string;
  readonly catalog: CatalogStore;
  readonly sources: SourceService;
  readonly secrets: SecretStore;
  readonly events: EventHub;
  readonly vectorBudgetBytes?: number;
  readonly metrics?: MetricsRegistry;
  /** Loads vector indexes off the main thread (projecting 100,000 vectors takes seconds); in place without it. */
  readonly prepWorker?: VectorLoader;
  /** Keeps each source's provider settings (never the key), so another process can embed queries for its index. */
  readonly settings?: { getSetting<T>(key: string): T | undefined; setSetting(key: string, value: unknown): void };
}

function providerSettingsKey(sourceId: string): string {
  return `index-provider:${sourceId}`;
}

const MAX_LOADED_INDEXES = 4;
/** Sources whose index providers are remembered (a search and a context ask for them every time). */
const MAX_REMEMBERED_PROVIDERS = 64;
const MAX_LISTED_FAILURES = 1000;

/** The secret-store key of an embedding API key: one per endpoint. */
export function apiKeySecretId(baseUrl: string | undefined): string {
  return `embedding-api-key:${baseUrl ?? 'https://api.openai.com/v1'}`;
}

/**
 * Indexing jobs (one per source at a time, each in its own worker) and semantic search over what they stored.
 * Loaded vector indexes are few (LRU) and each stays inside the vector memory budget.
 */
export class IndexService {
  readonly #options: IndexServiceOptions;
  readonly #jobs = new Map<string, IndexJob>();
  readonly #summaries = new LRUCache<string, IndexSummary>({ max: 64 });
  readonly #indexes: LRUCache<string, VectorIndex>;
  readonly #settings = new Map<string, ProviderSettings>();
  readonly #locks: JobLockStore;
  #cache: EmbeddingCache | undefined;
  /**
   * Each source's index providers (most items first), valid for one data version of `embeddings.db`: counting them
   * groups every item of the source (~100 ms at W10k's 510,000 items), which search and context pay on every call.
   */
  readonly #providers = new LRUCache<string, { version: number; providers: readonly string[] }>({
    max: MAX_REMEMBERED_PROVIDERS,
  });

  constructor(options: IndexServiceOptions) {
    this.#options = options;
    this.#locks = new JobLockStore(options.catalog);
    this.#indexes = new LRUCache<string, VectorIndex>({ max: MAX_LOADED_INDEXES });
  }

  get budgetBytes(): number {
    return this.#options.vectorBudgetBytes ?? DEFAULT_VECTOR_BUDGET_BYTES;
  }

  /** Starts indexing a source from its latest snapshot. Resolves with the job; `job.done` with the summary. */
  async start(
    sourceId: string,
    settings: ProviderSettings,
    options: { offline?: boolean } = {},
  ): Promise<{ job: IndexJob; tables: number; columns: number }> {
    if (this.#jobs.has(sourceId))
      throw new AppError(
        'invalid_input',
        'This source is already being indexed: pause, resume or cancel that run first.',
      );
    const resolved = await this.#options.sources.snapshot(sourceId, options);
    const lock = this.#locks.acquire('index', sourceId);
    if ('holder' in lock) throw new AppError('not_available', describeHolder(withProgress(lock.holder)));
    try {
      return this.#startLocked(sourceId, settings, resolved.record.id, lock.token);
    } catch (error) {
      this.#locks.release('index', sourceId, lock.token);
      throw error;
    }
  }

  /** The live process that indexes this source elsewhere (another process on this data folder), or null. */
  holder(sourceId: string): (JobHolder & { progress: IndexProgress | null }) | null {
    if (this.#jobs.has(sourceId)) return null;
    const holder = this.#locks.holder('index', sourceId);
    return holder ? withProgress(holder) : null;
  }

  #startLocked(
    sourceId: string,
    settings: ProviderSettings,
    snapshotId: number,
    token: string,
  ): { job: IndexJob; tables: number; columns: number } {
    let apiKey = settings.apiKey;
    if (settings.provider === 'openai') {
      if (apiKey) this.#options.secrets.set(apiKeySecretId(settings.baseUrl), apiKey);
      else apiKey = this.#options.secrets.get(apiKeySecretId(settings.baseUrl)) ?? process.env.OPENAI_API_KEY;
    }
    const effective: ProviderSettings = { ...settings, apiKey };
    createProvider(effective); // validates the settings before a worker starts
    this.#settings.set(sourceId, { ...settings, apiKey: undefined });
    this.#options.settings?.setSetting(providerSettingsKey(sourceId), { ...settings, apiKey: undefined });
    const counts = this.#options.catalog.countSnapshot(snapshotId);
    const metrics = this.#options.metrics;
    let counted = { requests: 0, tooManyRequests: 0, retries: 0, embedded: 0, reused: 0, failed: 0 };
    const job = startIndexJob({
      home: this.#options.home,
      sourceId,
      provider: effective,
      snapshotId,
      onEvent: (event) => {
        if (metrics && event.type === 'metrics') {
          for (const ms of event.requestMs) metrics.observe('embedding.request_ms', ms);
          if (event.failedRequests > 0) metrics.inc('embedding.failed_requests', event.failedRequests);
          if (event.remainingRequests !== undefined)
            metrics.gauge('embedding.remaining_requests', event.remainingRequests);
          if (event.remainingTokens !== undefined) metrics.gauge('embedding.remaining_tokens', event.remainingTokens);
        }
        if (metrics && event.type === 'progress') {
          // Progress carries running totals; the registry gets the increments (per-minute rates need them).
          const now = event.progress;
          for (const key of Object.keys(counted) as (keyof typeof counted)[]) {
            const delta = now[key] - counted[key];
            if (delta > 0) metrics.inc(`embedding.${key === 'tooManyRequests' ? 'http_429' : key}`, delta);
          }
          counted = {
            requests: now.requests,
            tooManyRequests: now.tooManyRequests,
            retries: now.retries,
            embedded: now.embedded,
            reused: now.reused,
            failed: now.failed,
          };
        }
        // The final state is announced only after the bookkeeping below, so whoever hears it sees a finished job.
        if (event.type === 'progress' && (event.progress.state === 'running' || event.progress.state === 'paused')) {
          this.#options.events.emit('index/progress', { sourceId, progress: event.progress });
        }
      },
    });
    this.#jobs.set(sourceId, job);
    // Other processes on this data folder see the owner alive and its progress; taken over (this process was
    // thought dead), the run stops instead of indexing twice.
    const heartbeat = setInterval(() => {
      if (!this.#locks.heartbeat('index', sourceId, token, job.latest() ?? undefined)) job.cancel();
    }, HEARTBEAT_EVERY_MS);
    heartbeat.unref();
    void job.done.then((summary) => {
      clearInterval(heartbeat);
      this.#locks.release('index', sourceId, token);
      this.#jobs.delete(sourceId);
      this.#summaries.set(sourceId, summary);
      this.#indexes.delete(`${sourceId}\u0000${summary.providerId}`);
      const { failures: _failures, warnings: _warnings, providerId: _providerId, error: _error, ...progress } = summary;
      this.#options.events.emit('index/progress', { sourceId, progress });
    });
    return { job, tables: counts.tables + counts.views, columns: counts.columns };
  }

  job(sourceId: string): IndexJob {
    const job = this.#jobs.get(sourceId);
    if (!job) throw new AppError('not_found', 'No indexing run for this source right now.');
    return job;
  }

  /** The running job's progress, the last run's summary in this process, and the stored failures of the index. */
  status(sourceId: string): DeepReadonly<ResponseOf<'index/status'>> {
    const job = this.#jobs.get(sourceId);
    const summary = this.#summaries.get(sourceId) ?? null;
    const cache = summary ? undefined : this.#readCache();
    const providerId = cache ? this.#providersOf(cache, sourceId)[0] : undefined;
    const failures = summary
      ? [...summary.failures]
      : cache && providerId
        ? cache.failures(sourceId, providerId).slice(0, MAX_LISTED_FAILURES)
        : [];
    const owner = job ? null : this.holder(sourceId);
    return {
      running: Boolean(job) || Boolean(owner),
      progress: job?.latest() ?? owner?.progress ?? null,
      summary,
      failures,
      owner: owner ? { pid: owner.pid, host: owner.host, startedAt: owner.startedAt } : null,
    };
  }

  /** The provider of the source's search index (most items), or undefined when it has none. */
  providerOf(sourceId: string): string | undefined {
    const cache = this.#readCache();
    return cache ? this.#providersOf(cache, sourceId)[0] : undefined;
  }

  #providersOf(cache: EmbeddingCache, sourceId: string): readonly string[] {
    const version = cache.dataVersion();
    const remembered = this.#providers.get(sourceId);
    if (remembered?.version === version) return remembered.providers;
    const providers = cache.providersFor(sourceId);
    this.#providers.set(sourceId, { version, providers });
    return providers;
  }

  /** The remembered providers per source, for the Memory panel. */
  providerMemo(): { size: number; max: number } {
    return { size: this.#providers.size, max: this.#providers.max };
  }

  /** Semantic search over a source's index. The query is embedded by the provider that built the index. */
  async search(
    sourceId: string,
    text: string,
    k: number,
  ): Promise<{
    results: SearchResult[];
    providerId: string;
    coverage: VectorCoverage;
    timings: { embedMs: number; searchMs: number };
  }> {
    const query = text.trim();
    if (!query) throw new AppError('invalid_input', 'The search text is empty.');
    const cache = this.#readCache();
    const providerId = cache ? this.#providersOf(cache, sourceId)[0] : undefined;
    if (!cache || !providerId)
      throw new AppError('not_found', 'This source has no search index yet: index it first (schemascope index URL).');
    const provider = this.#queryProvider(sourceId, providerId);
    const key = `${sourceId}\u0000${providerId}`;
    let index = this.#indexes.get(key);
    if (!index) {
      let loading = this.#loading.get(key);
      if (!loading) {
        loading = this.#loadIndex(cache, sourceId, providerId).finally(() => this.#loading.delete(key));
        this.#loading.set(key, loading);
      }
      index = await loading;
      if (!index) throw new AppError('not_found', 'The search index of this source is empty.');
      this.#indexes.set(key, index);
    }
    const embedStarted = performance.now();
    const [vector] = (await provider.embed([query])).vectors;
    const searchStarted = performance.now();
    const hits = index.search(vector!, k);
    const done = performance.now();
    this.#options.metrics?.observe('search.ms', done - embedStarted);
    return {
      providerId,
      coverage: this.#coverage(sourceId, index),
      timings: {
        embedMs: Math.round((searchStarted - embedStarted) * 10) / 10,
        searchMs: Math.round((done - searchStarted) * 10) / 10,
      },
      results: hits.map(({ item, score }) => ({
        kind: item.kind,
        schema: item.schema,
        table: item.table,
        column: item.column,
        score: Math.round(score * 10_000) / 10_000,
      })),
    };
  }

  readonly #loading = new Map<string, Promise<VectorIndex | undefined>>();
  /** Vector indexes loaded by the worker (the rest were loaded in place). */
  loadedInWorker = 0;

  /** In the worker when there is one (the compact copy comes back as transferred typed arrays), else in place. */
  async #loadIndex(cache: EmbeddingCache, sourceId: string, providerId: string): Promise<VectorIndex | undefined> {
    const worker = this.#options.prepWorker;
    if (worker) {
      try {
        const parts = await worker.loadVectors(
          EmbeddingCache.file(this.#options.home),
          sourceId,
          providerId,
          this.budgetBytes,
        );
        this.loadedInWorker += 1;
        return parts ? VectorIndex.fromParts(cache, parts, this.budgetBytes) : undefined;
      } catch {
        // loaded in place below
      }
    }
    return VectorIndex.load(
      cache,
      sourceId,
      providerId,
      this.budgetBytes,
      compactVectorsFile(EmbeddingCache.file(this.#options.home), sourceId, providerId),
    );
  }

  /**
   * How much of the latest snapshot the vector index covers. Items without a vector (failed, or added since the
   * index was built) are still found by names and comments; the answer says how many there are.
   */
  #coverage(sourceId: string, index: VectorIndex): VectorCoverage {
    // The snapshot's stored counts: counting its rows again takes ~40 ms at 500,000 columns, on every search.
    const latest = this.#options.catalog.latestSnapshot(sourceId);
    const total = latest ? latest.tableCount + latest.columnCount : index.items.count;
    return { indexed: index.items.count, total, missing: Math.max(0, total - index.items.count) };
  }

  memory(): (VectorMemoryStats & { sourceId: string })[] {
    return [...this.#indexes.entries()].map(([key, index]) => ({
      sourceId: key.split('\u0000')[0]!,
      ...index.memory(),
    }));
  }

  get maxLoaded(): number {
    return MAX_LOADED_INDEXES;
  }

  /** Running jobs with their latest progress. */
  running(): { sourceId: string; progress: IndexProgress }[] {
    return [...this.#jobs].flatMap(([sourceId, job]) => {
      const progress = job.latest();
      return progress ? [{ sourceId, progress }] : [];
    });
  }

  cancelAll(): void {
    for (const job of this.#jobs.values()) job.cancel();
  }

  close(): void {
    this.cancelAll();
    this.#cache?.close();
    this.#cache = undefined;
  }

  #queryProvider(sourceId: string, providerId: string): EmbeddingProvider {
    if (providerId.startsWith('local:')) {
      const dimensions = Number(providerId.split(':').pop());
      return createProvider({ provider: 'local', dimensions });
    }
    const settings =
      this.#settings.get(sourceId) ??
      this.#options.settings?.getSetting<ProviderSettings>(providerSettingsKey(sourceId));
    if (!settings || settings.provider !== 'openai')
      throw new AppError(
        'not_available',
        `This index was built with ${providerId}; give its settings again (index the source) to search it.`,
      );
    return new OpenAiEmbeddingProvider(
      {
        ...settings,
        apiKey: this.#options.secrets.get(apiKeySecretId(settings.baseUrl)) ?? process.env.OPENAI_API_KEY,
        timeoutMs: 10_000,
      },
      2,
    );
  }

  #readCache(): EmbeddingCache | undefined {
    if (!this.#cache) {
      try {
        this.#cache = new EmbeddingCache(EmbeddingCache.file(this.#options.home), { readonly: true });
      } catch {
        return undefined;
      }
    }
    return this.#cache;
  }
}

/** "Indexing in another process (pid 4242, since 10:31:02): 1,200/10,202 items." */
export function describeHolder(holder: {
  pid: number;
  host: string;
  startedAt: string;
  progress: IndexProgress | null;
}): string {
  const progress = holder.progress
    ? `: ${holder.progress.done.toLocaleString('en-US')}/${holder.progress.total.toLocaleString('en-US')} items`
    : '';
  return `Indexing in another process (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})${progress}. Wait for it to finish, or stop that process.`;
}

/** A lock holder with the progress it reported, checked against the contract (another process wrote it). */
function withProgress(holder: JobHolder): JobHolder & { progress: IndexProgress | null } {
  const progress = indexProgress.safeParse(holder.progress);
  return { ...holder, progress: progress.success ? progress.data : null };
}
