import pLimit from 'p-limit';
import { AppError, serializeError } from '../../../shared/errors.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import { prepareParts, PreparedStore } from './prepared-store.ts';
import { packBatchesLazily } from './batcher.ts';
import { documentsOf, type EmbeddingDocument } from './embedding-documents.ts';
import { createProvider, limitsFor } from './create-provider.ts';
import { EmbeddingCache, vectorKey, type RunTexts, type SourceItemRow } from './embedding-cache.ts';
import type { EmbeddingProvider, RateLimitHeaders } from './embedding-provider.ts';
import { RetryPolicy } from './retry-policy.ts';
import type { IndexerEvent, IndexJobSpec, IndexProgress, IndexSummary } from './indexer-protocol.ts';
import { RateLimiter, sleep } from './rate-limiter.ts';
import { countTokens, truncateToTokens } from '../platform/token-counter.ts';
import { compactVectorsFile, writeCompactCopy, type CompactCopy } from './compact-vectors-file.ts';
import { VectorIndex } from './vector-index.ts';
import { itemsStamp } from './item-list.ts';
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
  /** The run's texts, read batch by batch. */
  readonly texts: RunTexts;
}

/** An item of this run: a row of the item map, its text kept on disk for the run ({@link RunTexts}). */
interface RunItem extends Omit<SourceItemRow, 'text'> {
  readonly textId: number;
}

/** One vector to compute: a distinct text, and the items that share it. */
interface Pending {
  readonly key: string;
  readonly textId: number;
  /** Set only when the text was truncated to the provider's limit; read from the run's texts otherwise. */
  readonly text?: string;
  readonly tokens: number;
  /** The places of the items sharing this text (and so this vector) in the sorted item list (the compact copy's order). */
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
  /** This run's items, in item id order (set while it runs). */
  #runItems: readonly RunItem[] = [];

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
    let texts: RunTexts | undefined;
    const failures = new Map<string, string>();
    try {
      provider = createProvider(this.#job.provider);
      const limits = limitsFor(this.#job.provider);
      cache = new EmbeddingCache(EmbeddingCache.file(this.#job.home));
      texts = cache.runTexts();
      // Seen at once (0 of 0 items) while the schema is read and its questions prepared: seconds at W10k.
      this.#progress('running', true);
      const recomputable = provider.recomputable === true;
      const items = this.#items(cache, texts, provider.id);
      if (this.#abort.signal.aborted) throw this.#abort.signal.reason; // cancelled while the schema was read
      this.#runItems = items;
      this.#total = items.length;
      // Recomputable vectors are reused whole or not at all: an unchanged index embeds nothing (and writes nothing
      // below); any change embeds every item again, which costs what a write of the changed ones would. (The built-in
      // provider's vectors are not stored but recomputed from the texts kept with the items: a W10k index would
      // otherwise insert 510,000 vectors at random places of embeddings.db, most of its time.)
      const reuseAll = recomputable && this.#unchanged(cache, provider.id, items);
      // What to compute, without an object per item: the first place of each distinct text to embed, the places of
      // its duplicates (rare), and the places of the vectors reused (W10k: 510,000 pending objects were ~75 MB).
      const firstOf: number[] = [];
      const duplicates = new Map<number, number[]>();
      const reusedPositions = new Map<string, number[]>();
      const pendingByKey = new Map<string, number>(); // dropped once this loop is done
      items.forEach((item, at) => {
        const known = pendingByKey.get(item.key);
        if (known !== undefined) {
          const more = duplicates.get(known);
          if (more) more.push(at);
          else duplicates.set(known, [at]);
        } else if (reusedPositions.has(item.key)) reusedPositions.get(item.key)!.push(at);
        else if (!reuseAll && (recomputable || !cache!.has(item.key))) {
          pendingByKey.set(item.key, firstOf.length);
          firstOf.push(at);
        } else reusedPositions.set(item.key, [at]);
      });
      pendingByKey.clear();
      const pendingAt = (index: number): Pending => {
        const first = firstOf[index]!;
        const more = duplicates.get(index);
        return {
          key: items[first]!.key,
          textId: items[first]!.textId,
          tokens: 0,
          positions: more ? [first, ...more] : [first],
        };
      };
      if (firstOf.length > 0)
        this.#compact = new CompactCopyBuilder(items.length, provider.dimensions, this.#budgetBytes);
      // Everything not pending is reused, including items whose text equals another stored item's.
      let pendingItems = firstOf.length;
      for (const more of duplicates.values()) pendingItems += more.length;
      this.#counts.reused = this.#total - pendingItems;
      const pending = firstOf.map((_first, index) => index);
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
      const runTexts = texts;
      const work: BatchWork = {
        provider: activeProvider,
        cache: activeCache,
        limiter,
        policy: new RetryPolicy(limits.maxAttempts),
        timeoutMs: limits.timeoutMs,
        failures,
        texts: runTexts,
      };
      const tasks: Promise<void>[] = [];
      // Only entries the preparation changed (counted, truncated) are remembered: the built-in provider counts no
      // tokens, and a second map of its 510,000 entries (W10k) was memory for nothing.
      const preparedAt = new Map<number, Pending>();
      const prepared = (index: number): Pending => {
        const entry = pendingAt(index);
        const ready = this.#prepare(entry, activeProvider, runTexts); // counted (and truncated) only when the packer gets here
        if (ready !== entry) preparedAt.set(index, ready);
        return ready;
      };
      for await (const batch of packBatchesLazily(
        pending,
        perRequest,
        provider.maxTokensPerRequest,
        (index) => prepared(index).tokens,
      )) {
        if (this.#abort.signal.aborted) break;
        // Queued as numbers, made into work when their turn comes: every batch is queued at once, and their entries
        // made here would all be held until then.
        const take = (index: number): Pending => {
          const entry = preparedAt.get(index) ?? pendingAt(index);
          preparedAt.delete(index);
          return entry;
        };
        tasks.push(limit(() => this.#embedBatch(batch.items.map(take), work)));
      }
      await Promise.all(tasks);
      if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
      const stored = items.filter((item) => !failures.has(item.itemId));
      // An unchanged schema (the common re-index) leaves the item map as it is: no write at all.
      if (
        pending.length > 0 ||
        failures.size > 0 ||
        !cache.hasItems(this.#job.sourceId, provider.id, stored) ||
        cache.failures(this.#job.sourceId, provider.id).length > 0
      ) {
        cache.replaceSourceItems(
          this.#job.sourceId,
          provider.id,
          withTexts(stored, (textId) => (recomputable ? runTexts.get(textId) : null)),
          [...failures].map(([itemId, reason]) => ({ itemId, reason })),
        );
      }
      // What the first search of any process needs is prepared now, in this worker, not at the first search.
      this.#emit({ type: 'log', level: 'info', message: 'preparing search: writing the compact vector copy' });
      const compactFile = compactVectorsFile(EmbeddingCache.file(this.#job.home), this.#job.sourceId, provider.id);
      const built = failures.size === 0 ? this.#completeCompact(cache, reusedPositions) : undefined;
      // Built while embedding: written as is. Otherwise (nothing embedded, failures) from the stored vectors.
      if (built) writeCompactCopy(compactFile, itemsStamp(stored), built);
      else VectorIndex.writeCompactCopy(cache, this.#job.sourceId, provider.id, compactFile, this.#budgetBytes);
      return this.#summary('done', provider.id, failures);
    } catch (error) {
      const cancelled = this.#abort.signal.aborted;
      return {
        ...this.#summary(cancelled ? 'cancelled' : 'failed', provider?.id ?? this.#job.provider.provider, failures),
        error: serializeError(error),
      };
    } finally {
      this.#runItems = [];
      texts?.close();
      cache?.close();
      await pool?.close();
    }
  }

  /**
   * This run's items in item id order, their texts written to the run's texts as the documents come (one table at a
   * time): at W10k the texts are ~130 MB that the heap would hold for the whole run otherwise. Stored and read back in
   * item id order: written that way, the item map appends instead of inserting all over its B-tree, and the compact
   * copy is built in the order it is loaded in.
   */
  #items(cache: EmbeddingCache, texts: RunTexts, providerId: string): RunItem[] {
    const items: RunItem[] = [];
    texts.write(() => {
      for (const document of this.#documents())
        items.push({
          itemId: document.id,
          kind: document.kind,
          schema: document.schema,
          table: document.table,
          column: document.column,
          key: vectorKey(providerId, document.hash),
          textId: texts.add(document.text),
        });
    });
    return items.sort((a, b) => compareCodePoints(a.itemId, b.itemId));
  }

  #itemIdAt(position: number): string {
    return this.#runItems[position]!.itemId;
  }

  #textsOf(batch: readonly Pending[], texts: RunTexts): string[] {
    return batch.map((entry) => entry.text ?? texts.get(entry.textId));
  }

  /** The stored index has exactly these items (in item id order), without failures. */
  #unchanged(cache: EmbeddingCache, providerId: string, items: readonly RunItem[]): boolean {
    return (
      cache.failures(this.#job.sourceId, providerId).length === 0 &&
      cache.hasItems(this.#job.sourceId, providerId, items)
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

  #documents(): Iterable<EmbeddingDocument> {
    if (this.#job.documents) return this.#job.documents;
    if (this.#job.snapshotId === undefined)
      throw new AppError('invalid_input', 'An indexing job needs documents or a snapshot.');
    const catalog = new CatalogStore(CatalogStore.file(this.#job.home), { readonly: true });
    try {
      const snapshot = catalog.loadSnapshot(this.#job.snapshotId);
      this.#prepareQuestions(catalog, snapshot);
      // This run's own copy of the tables, each released once its documents are made.
      return documentsOf([...snapshot.tables]);
    } finally {
      catalog.close();
    }
  }

  /**
   * What a question needs of this snapshot (BM25 index, join graph) is written now, from the snapshot this run has
   * read anyway: loaded by the first question of any process, never built beside the index (a second copy of a W10k
   * schema in another worker was ~0.6 GB). Best effort: a question prepares it when this could not.
   */
  #prepareQuestions(catalog: CatalogStore, snapshot: SchemaSnapshot): void {
    const record = catalog.snapshotRecord(this.#job.snapshotId!);
    const store = new PreparedStore(this.#job.home);
    if (!record || store.has(record)) return;
    this.#emit({ type: 'log', level: 'info', message: 'preparing questions: BM25 index and join graph' });
    try {
      store.write(record, prepareParts(snapshot), catalog.snapshotIds(record.sourceId));
    } catch (error) {
      this.#emit({ type: 'log', level: 'warn', message: `questions not prepared: ${(error as Error).message}` });
    }
  }

  #prepare(entry: Pending, provider: EmbeddingProvider, texts: RunTexts): Pending {
    if (!provider.countsTokens) return entry;
    const text = texts.get(entry.textId);
    const tokens = countTokens(text);
    if (tokens <= MAX_INPUT_TOKENS) return { ...entry, tokens };
    const truncated = truncateToTokens(text, MAX_INPUT_TOKENS);
    const warning = `${this.#itemIdAt(entry.positions[0]!)} has ${tokens} tokens; truncated to ${MAX_INPUT_TOKENS}.`;
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
          this.#textsOf(batch, work.texts),
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
      this.#counts.embedded += batch.reduce((sum, item) => sum + item.positions.length, 0);
      this.#progress('running');
      return;
    }
    let response;
    try {
      response = await work.provider.embed(
        this.#textsOf(batch, work.texts),
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
    this.#counts.embedded += batch.reduce((sum, item) => sum + item.positions.length, 0);
    this.#progress('running');
  }

  /** One bad input refuses the whole request: each half goes on its own, so the others still get embedded. */
  async #splitBatch(batch: Pending[], work: BatchWork): Promise<void> {
    const middle = Math.ceil(batch.length / 2);
    await this.#embedBatch(batch.slice(0, middle), work);
    await this.#embedBatch(batch.slice(middle), work);
  }

  #failBatch(batch: Pending[], work: BatchWork, reason: string, attempts: number): void {
    for (const item of batch) for (const at of item.positions) work.failures.set(this.#itemIdAt(at), reason);
    this.#counts.failed += batch.reduce((sum, item) => sum + item.positions.length, 0);
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

/** The items with their texts, one at a time (as the item map's writer takes them). */
function* withTexts(items: readonly RunItem[], textOf: (textId: number) => string | null): Generator<SourceItemRow> {
  for (const { textId, ...row } of items) yield { ...row, text: textOf(textId) };
}
