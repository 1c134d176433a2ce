import pLimit from 'p-limit';
import { AppError, serializeError } from '../../../shared/errors.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { packBatchesLazily } from './batcher.ts';
import { buildDocuments, type EmbeddingDocument } from './embedding-documents.ts';
import { createProvider, limitsFor } from './create-provider.ts';
import { EmbeddingCache, vectorKey, type SourceItemRow } from './embedding-cache.ts';
import type { EmbeddingProvider, RateLimitHeaders } from './embedding-provider.ts';
import { RetryPolicy } from './retry-policy.ts';
import type { IndexerEvent, IndexJobSpec, IndexProgress, IndexSummary } from './indexer-protocol.ts';
import { RateLimiter, sleep } from './rate-limiter.ts';
import { countTokens, truncateToTokens } from '../platform/token-counter.ts';
import { compactVectorsFile, writeCompactCopy, type CompactCopy } from './compact-vectors-file.ts';
import { VectorIndex } from './vector-index.ts';
import { CompactCopyBuilder, compareCodePoints } from './compact-builder.ts';
import { DEFAULT_VECTOR_BUDGET_BYTES } from './compact-projection.ts';
import { LocalEmbedPool, MAX_EMBED_WORKERS } from './local-embed-pool.ts';

const MAX_INPUT_TOKENS = 8192;
/** Reused vectors read back per query when the compact copy is completed. */
const REUSED_READ_CHUNK = 2048;
/**
 * From this many texts to embed, the built-in provider runs in worker threads (one per allowed concurrency): starting
 * them costs ~0.5 s, which W1000's 51,000 documents (~3 s on one core) already repay.
 */
const PARALLEL_LOCAL_FROM = 20_000;
const PROGRESS_INTERVAL_MS = 100;

/** What every batch of a run shares: where it goes, how it is limited and retried, where failures are noted. */
interface BatchWork {
  readonly provider: EmbeddingProvider;
  readonly cache: EmbeddingCache;
  readonly limiter: RateLimiter;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly failures: Map<string, string>;
}

interface Pending {
  readonly key: string;
  readonly text: string;
  readonly tokens: number;
  /** Documents sharing this text (and so this vector). */
  readonly itemIds: string[];
  /** Their places in the sorted item list (the compact copy's order). */
  readonly positions: number[];
}

/** Pause and resume between requests: in-flight requests finish, no new one starts while paused. */
class PauseGate {
  #paused: { promise: Promise<void>; resolve: () => void } | undefined;

  pause(): void {
    if (this.#paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.#paused = { promise, resolve };
  }

  resume(): void {
    this.#paused?.resolve();
    this.#paused = undefined;
  }

  get paused(): boolean {
    return this.#paused !== undefined;
  }

  wait(): Promise<void> {
    return this.#paused?.promise ?? Promise.resolve();
  }
}

/**
 * One indexing run: reuse every vector already on disk, embed the rest in batches packed by count and tokens, with
 * bounded concurrency, RPM/TPM limits corrected by the server, retry-after honoured, jittered backoff, a timeout per
 * request, and one transaction per batch. Runs inside the indexer worker; plain code, so tests can drive it too.
 */
export class IndexRun {
  readonly #job: IndexJobSpec;
  readonly #emit: (event: IndexerEvent) => void;
  readonly #abort = new AbortController();
  readonly #gate = new PauseGate();
  #lastProgress = 0;
  #started = performance.now();
  #counts = { embedded: 0, reused: 0, failed: 0, requests: 0, tooManyRequests: 0, retries: 0 };
  #total = 0;
  /** Per-request numbers since the last metrics event. */
  #requestMs: number[] = [];
  #failedRequests = 0;
  #rateLimit: RateLimitHeaders | undefined;
  #warnings: string[] = [];
  /** The compact copy, filled as vectors arrive (see CompactCopyBuilder). */
  #compact: CompactCopyBuilder | undefined;
  readonly #budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES;

  constructor(job: IndexJobSpec, emit: (event: IndexerEvent) => void) {
    this.#job = job;
    this.#emit = emit;
  }

  pause(): void {
    this.#gate.pause();
    this.#progress('paused', true);
  }

  resume(): void {
    this.#gate.resume();
    this.#progress('running', true);
  }

  cancel(): void {
    this.#abort.abort(new AppError('cancelled', 'Indexing was cancelled.'));
    this.#gate.resume();
  }

  async run(): Promise<IndexSummary> {
    let provider: EmbeddingProvider | undefined;
    let cache: EmbeddingCache | undefined;
    let pool: LocalEmbedPool | undefined;
    const failures = new Map<string, string>();
    try {
      provider = createProvider(this.#job.provider);
      const limits = limitsFor(this.#job.provider);
      cache = new EmbeddingCache(EmbeddingCache.file(this.#job.home));
      const items: SourceItemRow[] = [];
      const pendingByKey = new Map<string, Pending>();
      // Dropped once items and pending work are made from it: its hashes alone are 40 MB at W10k.
      let documents: readonly EmbeddingDocument[] | undefined = this.#documents();
      // The built-in provider's vectors are not stored but recomputed from the texts kept with the items: a W10k
      // index would otherwise insert 510,000 vectors at random places of embeddings.db (most of its time).
      const recomputable = provider.recomputable === true;
      for (const document of documents) {
        const key = vectorKey(provider.id, document.hash);
        items.push({
          itemId: document.id,
          kind: document.kind,
          schema: document.schema,
          table: document.table,
          column: document.column,
          key,
          text: recomputable ? document.text : undefined,
        });
        const pending = pendingByKey.get(key);
        if (pending) pending.itemIds.push(document.id);
        else if (recomputable || !cache.has(key))
          pendingByKey.set(key, { key, text: document.text, tokens: 0, itemIds: [document.id], positions: [] });
      }
      this.#total = documents.length;
      documents = undefined;
      // Recomputable vectors are reused whole or not at all: an unchanged index embeds nothing (and writes nothing
      // below); any change embeds every item again, which costs what a write of the changed ones would.
      if (recomputable && pendingByKey.size > 0 && this.#unchanged(cache, provider.id, items)) pendingByKey.clear();
      // Stored (and read back) in item id order: written that way, the item map appends instead of inserting all over
      // its B-tree, and the compact copy is built in the order it is loaded in.
      items.sort((a, b) => compareCodePoints(a.itemId, b.itemId));
      const reusedPositions = new Map<string, number[]>();
      items.forEach((item, at) => {
        const entry = pendingByKey.get(item.key);
        if (entry) entry.positions.push(at);
        else {
          const list = reusedPositions.get(item.key);
          if (list) list.push(at);
          else reusedPositions.set(item.key, [at]);
        }
      });
      if (pendingByKey.size > 0)
        this.#compact = new CompactCopyBuilder(items.length, provider.dimensions, this.#budgetBytes);
      // Everything not pending is reused, including items whose text equals another stored item's.
      this.#counts.reused =
        this.#total - [...pendingByKey.values()].reduce((sum, pending) => sum + pending.itemIds.length, 0);
      const pending = [...pendingByKey.values()];
      this.#progress('running', true);

      // Spread the work over the allowed concurrency (one round when it fits), never above the provider's caps.
      const perRequest = Math.min(
        provider.maxInputsPerRequest,
        Math.max(16, Math.ceil(pending.length / limits.concurrency)),
      );
      const limiter = new RateLimiter({
        requestsPerMinute: limits.requestsPerMinute,
        tokensPerMinute: limits.tokensPerMinute,
      });
      const limit = pLimit(limits.concurrency);
      if (this.#job.provider.provider === 'local' && limits.concurrency > 1 && pending.length >= PARALLEL_LOCAL_FROM) {
        pool = new LocalEmbedPool({
          dimensions: provider.dimensions,
          workers: Math.min(limits.concurrency, MAX_EMBED_WORKERS),
        });
        provider = pool;
      }
      const activeProvider = provider;
      const activeCache = cache;
      const work: BatchWork = {
        provider: activeProvider,
        cache: activeCache,
        limiter,
        policy: new RetryPolicy(limits.maxAttempts),
        timeoutMs: limits.timeoutMs,
        failures,
      };
      const tasks: Promise<void>[] = [];
      // Only entries the preparation changed (counted, truncated) are remembered: the built-in provider counts no
      // tokens, and a second map of its 510,000 entries (W10k) was memory for nothing.
      const preparedByKey = new Map<string, Pending>();
      const prepared = (entry: Pending): Pending => {
        const ready = this.#prepare(entry, activeProvider); // counted (and truncated) only when the packer gets here
        if (ready !== entry) preparedByKey.set(entry.key, ready);
        return ready;
      };
      for await (const batch of packBatchesLazily(
        pending,
        perRequest,
        provider.maxTokensPerRequest,
        (entry) => prepared(entry).tokens,
      )) {
        if (this.#abort.signal.aborted) break;
        const ready = batch.items.map((entry) => preparedByKey.get(entry.key) ?? entry);
        tasks.push(limit(() => this.#embedBatch(ready, work)));
      }
      await Promise.all(tasks);
      if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
      const stored = items.filter((item) => !failures.has(item.itemId));
      // An unchanged schema (the common re-index) leaves the item map as it is: no write at all.
      if (
        pending.length > 0 ||
        failures.size > 0 ||
        !sameItems(cache.sourceItems(this.#job.sourceId, provider.id), stored) ||
        cache.failures(this.#job.sourceId, provider.id).length > 0
      ) {
        cache.replaceSourceItems(
          this.#job.sourceId,
          provider.id,
          stored,
          [...failures].map(([itemId, reason]) => ({ itemId, reason })),
        );
      }
      // What the first search of any process needs is prepared now, in this worker, not at the first search.
      this.#emit({ type: 'log', level: 'info', message: 'preparing search: writing the compact vector copy' });
      const compactFile = compactVectorsFile(EmbeddingCache.file(this.#job.home), this.#job.sourceId, provider.id);
      const built = failures.size === 0 ? this.#completeCompact(cache, reusedPositions) : undefined;
      // Built while embedding: written as is. Otherwise (nothing embedded, failures) from the stored vectors.
      if (built) writeCompactCopy(compactFile, stored, built);
      else VectorIndex.writeCompactCopy(cache, this.#job.sourceId, provider.id, compactFile, this.#budgetBytes);
      return this.#summary('done', provider.id, failures);
    } catch (error) {
      const cancelled = this.#abort.signal.aborted;
      return {
        ...this.#summary(cancelled ? 'cancelled' : 'failed', provider?.id ?? this.#job.provider.provider, failures),
        error: serializeError(error),
      };
    } finally {
      cache?.close();
      await pool?.close();
    }
  }

  /** The stored index has exactly these items, without failures. */
  #unchanged(cache: EmbeddingCache, providerId: string, items: readonly SourceItemRow[]): boolean {
    return (
      cache.failures(this.#job.sourceId, providerId).length === 0 &&
      sameItems(cache.sourceItems(this.#job.sourceId, providerId), items)
    );
  }

  /** The compact copy built while embedding, with the reused vectors added; undefined when there is none. */
  #completeCompact(cache: EmbeddingCache, reusedPositions: ReadonlyMap<string, number[]>): CompactCopy | undefined {
    const builder = this.#compact;
    this.#compact = undefined;
    if (!builder) return undefined;
    const keys = [...reusedPositions.keys()];
    for (let start = 0; start < keys.length; start += REUSED_READ_CHUNK) {
      for (const [key, vector] of cache.getVectors(keys.slice(start, start + REUSED_READ_CHUNK))) {
        if (vector.length !== builder.dimensions) return undefined;
        builder.add(vector, reusedPositions.get(key)!);
      }
    }
    return builder.complete ? builder.copy() : undefined;
  }

  #documents(): readonly EmbeddingDocument[] {
    if (this.#job.documents) return this.#job.documents;
    if (this.#job.snapshotId === undefined)
      throw new AppError('invalid_input', 'An indexing job needs documents or a snapshot.');
    const catalog = new CatalogStore(CatalogStore.file(this.#job.home), { readonly: true });
    try {
      return buildDocuments(catalog.loadSnapshot(this.#job.snapshotId));
    } finally {
      catalog.close();
    }
  }

  #prepare(entry: Pending, provider: EmbeddingProvider): Pending {
    if (!provider.countsTokens) return entry;
    const tokens = countTokens(entry.text);
    if (tokens <= MAX_INPUT_TOKENS) return { ...entry, tokens };
    const truncated = truncateToTokens(entry.text, MAX_INPUT_TOKENS);
    const warning = `${entry.itemIds[0]} has ${tokens} tokens; truncated to ${MAX_INPUT_TOKENS}.`;
    this.#warnings.push(warning);
    this.#emit({ type: 'log', level: 'warn', message: warning });
    return { ...entry, text: truncated.text, tokens: truncated.tokens };
  }

  /**
   * Embeds one batch: request, store; on failure the retry policy decides (retry, split the batch in halves to isolate
   * a refused input, give up on these items, or stop the run), and rate limits pause every request through the limiter.
   */
  async #embedBatch(batch: Pending[], work: BatchWork): Promise<void> {
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt += 1) {
      await this.#gate.wait();
      if (signal.aborted) return;
      try {
        await this.#sendBatch(batch, work);
        return;
      } catch (caught) {
        if (signal.aborted) return;
        this.#failedRequests += 1;
        const decision = work.policy.decide(caught, attempt, batch.length);
        if (decision.error.kind === 'rate_limited') {
          this.#counts.tooManyRequests += 1;
          work.limiter.pauseUntil(Date.now() + (decision.error.retryAfterMs ?? work.policy.backoff(attempt)));
        }
        if (decision.action === 'stop') throw decision.error;
        if (decision.action === 'retry') {
          this.#counts.retries += 1;
          if (!decision.global) await sleep(decision.waitMs, signal).catch(() => undefined); // a global pause waits in the limiter
          continue;
        }
        if (decision.action === 'split') {
          await this.#splitBatch(batch, work);
          return;
        }
        this.#failBatch(batch, work, `${decision.error.kind}: ${decision.error.message}`, attempt);
        return;
      }
    }
  }

  /** One request for the batch, within the rate limits and a timeout; its vectors stored in one transaction. */
  async #sendBatch(batch: Pending[], work: BatchWork): Promise<void> {
    const signal = this.#abort.signal;
    await work.limiter.acquire(
      batch.reduce((sum, item) => sum + item.tokens, 0),
      signal,
    );
    this.#counts.requests += 1;
    const sent = performance.now();
    const builder = this.#compact;
    if (builder && work.provider instanceof LocalEmbedPool) {
      // Nothing to store but the compact copy: the workers answer only its rows.
      try {
        const rows = await work.provider.embedCompact(
          batch.map((item) => item.text),
          builder.width,
          AbortSignal.any([signal, AbortSignal.timeout(work.timeoutMs)]),
        );
        builder.addCompact(
          rows,
          batch.map((item) => item.positions),
        );
      } finally {
        this.#requestMs.push(Math.round((performance.now() - sent) * 10) / 10);
      }
      this.#counts.embedded += batch.reduce((sum, item) => sum + item.itemIds.length, 0);
      this.#progress('running');
      return;
    }
    let response;
    try {
      response = await work.provider.embed(
        batch.map((item) => item.text),
        AbortSignal.any([signal, AbortSignal.timeout(work.timeoutMs)]),
      );
    } finally {
      this.#requestMs.push(Math.round((performance.now() - sent) * 10) / 10);
    }
    work.limiter.observe(response.rateLimit);
    this.#rateLimit = response.rateLimit;
    if (!work.provider.recomputable)
      work.cache.putBatch(
        work.provider.id,
        batch.map((item, index) => ({ key: item.key, vector: response.vectors[index]! })),
      );
    if (builder) {
      // A server that answers another width than announced gets its copy built from the stored vectors instead.
      if (response.vectors.some((vector) => vector.length !== builder.dimensions)) this.#compact = undefined;
      else batch.forEach((item, index) => builder.add(response.vectors[index]!, item.positions));
    }
    this.#counts.embedded += batch.reduce((sum, item) => sum + item.itemIds.length, 0);
    this.#progress('running');
  }

  /** One bad input refuses the whole request: each half goes on its own, so the others still get embedded. */
  async #splitBatch(batch: Pending[], work: BatchWork): Promise<void> {
    const middle = Math.ceil(batch.length / 2);
    await this.#embedBatch(batch.slice(0, middle), work);
    await this.#embedBatch(batch.slice(middle), work);
  }

  #failBatch(batch: Pending[], work: BatchWork, reason: string, attempts: number): void {
    for (const item of batch) for (const itemId of item.itemIds) work.failures.set(itemId, reason);
    this.#counts.failed += batch.reduce((sum, item) => sum + item.itemIds.length, 0);
    this.#emit({
      type: 'log',
      level: 'warn',
      message: `${batch.length} input(s) failed after ${attempts} attempt(s): ${reason}`,
    });
    this.#progress('running');
  }

  #snapshot(state: IndexProgress['state']): IndexProgress {
    const elapsedMs = performance.now() - this.#started;
    const done = this.#counts.embedded + this.#counts.reused + this.#counts.failed;
    const worked = this.#counts.embedded + this.#counts.failed;
    const itemsPerSecond = elapsedMs > 0 ? (worked * 1000) / elapsedMs : 0;
    const remaining = this.#total - done;
    return {
      jobId: this.#job.jobId,
      state,
      total: this.#total,
      done,
      ...this.#counts,
      itemsPerSecond: Math.round(itemsPerSecond),
      etaSeconds: remaining === 0 ? 0 : itemsPerSecond > 0 ? Math.round(remaining / itemsPerSecond) : null,
      elapsedMs: Math.round(elapsedMs),
    };
  }

  #flushMetrics(): void {
    if (this.#requestMs.length === 0 && this.#failedRequests === 0) return;
    this.#emit({
      type: 'metrics',
      requestMs: this.#requestMs,
      failedRequests: this.#failedRequests,
      remainingRequests: this.#rateLimit?.remainingRequests,
      remainingTokens: this.#rateLimit?.remainingTokens,
    });
    this.#requestMs = [];
    this.#failedRequests = 0;
  }

  #progress(state: IndexProgress['state'], force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastProgress < PROGRESS_INTERVAL_MS) return;
    this.#lastProgress = now;
    this.#flushMetrics();
    this.#emit({
      type: 'progress',
      progress: this.#snapshot(this.#gate.paused && state === 'running' ? 'paused' : state),
    });
  }

  #summary(state: IndexProgress['state'], providerId: string, failures: Map<string, string>): IndexSummary {
    this.#flushMetrics();
    const progress = this.#snapshot(state);
    this.#emit({ type: 'progress', progress });
    return {
      ...progress,
      providerId,
      failures: [...failures].slice(0, 1000).map(([itemId, reason]) => ({ itemId, reason })),
      warnings: this.#warnings.slice(0, 100),
    };
  }
}

function sameItems(stored: readonly SourceItemRow[], current: readonly SourceItemRow[]): boolean {
  if (stored.length !== current.length) return false;
  const keys = new Map(stored.map((item) => [item.itemId, item.key]));
  return current.every((item) => keys.get(item.itemId) === item.key);
}
