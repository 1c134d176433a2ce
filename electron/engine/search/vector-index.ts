import { LRUCache } from 'lru-cache';
import { CompactProjection, compactWidth, DEFAULT_VECTOR_BUDGET_BYTES } from './compact-projection.ts';
import { readCompactCopy, removeCompactCopy, writeCompactCopy } from './compact-vectors-file.ts';
import { decodeVector, type EmbeddingCache, type SourceItemRow } from './embedding-cache.ts';
import { recomputingProvider, type LocalEmbeddingProvider } from './local-provider.ts';

export { compactWidth, DEFAULT_VECTOR_BUDGET_BYTES };

export interface VectorIndexParts {
  readonly sourceId: string;
  readonly providerId: string;
  readonly items: SourceItemRow[];
  readonly dimensions: number;
  readonly compact: Int8Array;
  readonly scales: Float32Array;
}

export interface VectorHit {
  readonly item: SourceItemRow;
  readonly score: number;
}

export interface VectorMemoryStats {
  readonly items: number;
  readonly dimensions: number;
  readonly compactBytes: number;
  readonly fullCacheBytes: number;
  /** What the full-vector LRU may hold: the budget left by the compact copy, and never less than one vector. */
  readonly fullCacheLimitBytes: number;
  readonly budgetBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/**
 * Vector search that stays inside a memory budget whatever the index size. In memory: a compact copy of every
 * vector (random projection to 128 dimensions, int8 quantised: 128 bytes an item, 13 MB for 100,000 items). Full
 * Float32 vectors live on disk and in an LRU bounded in bytes; the best candidates of the compact pass are re-scored
 * exactly with them. Vectors are L2-normalised, so the dot product is the cosine.
 */
export class VectorIndex {
  readonly items: readonly SourceItemRow[];
  readonly dimensions: number;
  readonly #compact: Int8Array;
  readonly #scales: Float32Array;
  readonly #projection: CompactProjection;
  readonly #compactDimensions: number;
  readonly #full: LRUCache<string, Float32Array>;
  readonly #cache: EmbeddingCache;
  readonly #budget: number;
  readonly #sourceId: string;
  readonly #providerId: string;
  /** The built-in provider, whose vectors are recomputed from the items' texts instead of read from disk. */
  readonly #recompute: LocalEmbeddingProvider | undefined;
  #evictions = 0;

  private constructor(
    cache: EmbeddingCache,
    source: { sourceId: string; providerId: string },
    items: SourceItemRow[],
    dimensions: number,
    budgetBytes: number,
    built?: { compact: Int8Array; scales: Float32Array },
  ) {
    this.#cache = cache;
    this.#sourceId = source.sourceId;
    this.#providerId = source.providerId;
    this.#recompute = recomputingProvider(source.providerId);
    this.items = items;
    this.dimensions = dimensions;
    this.#compactDimensions =
      built && items.length > 0
        ? built.compact.length / items.length
        : compactWidth(items.length, dimensions, budgetBytes);
    this.#projection = new CompactProjection(dimensions, this.#compactDimensions);
    this.#compact = built?.compact ?? new Int8Array(items.length * this.#compactDimensions);
    this.#scales = built?.scales ?? new Float32Array(items.length);
    const compactBytes =
      this.#compact.byteLength + this.#scales.byteLength + (this.#projection.matrix?.byteLength ?? 0);
    this.#budget = budgetBytes;
    this.#full = new LRUCache<string, Float32Array>({
      maxSize: Math.max(dimensions * 4, budgetBytes - compactBytes),
      sizeCalculation: (vector) => vector.byteLength,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evictions += 1;
      },
    });
  }

  /** The compact copy as plain data, to hand from a worker to the main thread (the typed arrays are transferable). */
  toParts(): VectorIndexParts {
    return {
      sourceId: this.#sourceId,
      providerId: this.#providerId,
      items: [...this.items],
      dimensions: this.dimensions,
      compact: this.#compact,
      scales: this.#scales,
    };
  }

  /** An index from parts built elsewhere (a worker); full vectors are read from `cache` on this side. */
  static fromParts(
    cache: EmbeddingCache,
    parts: VectorIndexParts,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
  ): VectorIndex {
    return new VectorIndex(cache, parts, parts.items, parts.dimensions, budgetBytes, {
      compact: parts.compact,
      scales: parts.scales,
    });
  }

  /**
   * Loads the index of a source. The compact copy written when the index was built is read in one go when it matches
   * the stored items; otherwise (an index from before, or damaged) one pass over the vectors rebuilds it in memory.
   */
  static load(
    cache: EmbeddingCache,
    sourceId: string,
    providerId: string,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
    compactFile?: string,
  ): VectorIndex | undefined {
    const items = cache.sourceItems(sourceId, providerId);
    if (items.length === 0) return undefined;
    const stored = compactFile ? readCompactCopy(compactFile, items) : undefined;
    // A copy made for another budget (a different width) is rebuilt in memory for this one.
    if (stored && stored.compact.length === items.length * compactWidth(items.length, stored.dimensions, budgetBytes))
      return new VectorIndex(cache, { sourceId, providerId }, items, stored.dimensions, budgetBytes, stored);
    return VectorIndex.#build(cache, items, sourceId, providerId, budgetBytes);
  }

  /** Builds the compact copy of a source's index and writes it beside the cache, for every later process to load. */
  static writeCompactCopy(
    cache: EmbeddingCache,
    sourceId: string,
    providerId: string,
    compactFile: string,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
  ): void {
    const items = cache.sourceItems(sourceId, providerId);
    if (items.length === 0) return removeCompactCopy(compactFile);
    const existing = readCompactCopy(compactFile, items);
    if (
      existing &&
      existing.compact.length === items.length * compactWidth(items.length, existing.dimensions, budgetBytes)
    )
      return; // unchanged
    const index = VectorIndex.#build(cache, items, sourceId, providerId, budgetBytes);
    if (index)
      writeCompactCopy(compactFile, items, {
        dimensions: index.dimensions,
        compact: index.#compact,
        scales: index.#scales,
      });
  }

  static #build(
    cache: EmbeddingCache,
    items: SourceItemRow[],
    sourceId: string,
    providerId: string,
    budgetBytes: number,
  ): VectorIndex | undefined {
    const first = cache.getVectors([items[0]!.key]).get(items[0]!.key);
    if (!first) return VectorIndex.#recomputed(cache, items, sourceId, providerId, budgetBytes);
    const index = new VectorIndex(cache, { sourceId, providerId }, items, first.length, budgetBytes);
    const keyed = new Map<string, number[]>();
    items.forEach((item, at) => {
      const list = keyed.get(item.key);
      if (list) list.push(at);
      else keyed.set(item.key, [at]);
    });
    const rows = cache.db
      .prepare(
        'SELECT v.key, v.dims, v.vector FROM vectors v JOIN source_items s ON s.key = v.key WHERE s.source_id = ? AND s.provider = ?',
      )
      .iterate(sourceId, providerId) as IterableIterator<{ key: string; dims: number; vector: Buffer }>;
    const scratch = new Float32Array(first.length);
    const projection = index.#projection;
    for (const row of rows) {
      const positions = keyed.get(row.key);
      if (!positions) continue;
      keyed.delete(row.key); // the join gives a shared vector once per item: project it once
      const projected =
        row.vector.byteLength < row.dims * 4
          ? projection.projectStoredSparse(row.vector)
          : projection.project(decodeVector(row.vector, row.dims, scratch));
      for (const at of positions)
        index.#scales[at] = projection.quantize(projected, index.#compact, at * index.#compactDimensions);
    }
    return index;
  }

  /**
   * The built-in provider's index, whose vectors are not stored: each item's vector recomputed from its stored text
   * (~30 s for 510,000 items, on one core). Only when the compact copy written at index time is missing or damaged.
   */
  static #recomputed(
    cache: EmbeddingCache,
    items: SourceItemRow[],
    sourceId: string,
    providerId: string,
    budgetBytes: number,
  ): VectorIndex | undefined {
    const provider = recomputingProvider(providerId);
    if (!provider) return undefined;
    const index = new VectorIndex(cache, { sourceId, providerId }, items, provider.dimensions, budgetBytes);
    const projection = index.#projection;
    let at = 0;
    for (const row of cache.iterateTexts(sourceId, providerId)) {
      if (row.text === null || items[at]?.key !== row.key) return undefined; // not this index's items, or no text
      const projected = projection.project(provider.embedOne(row.text));
      index.#scales[at] = projection.quantize(projected, index.#compact, at * index.#compactDimensions);
      at += 1;
    }
    return at === items.length ? index : undefined;
  }

  /** The k nearest items to `query` (an L2-normalised vector of the same provider). */
  search(query: Float32Array, k: number, filter?: (item: SourceItemRow) => boolean): VectorHit[] {
    if (query.length !== this.dimensions)
      throw new TypeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    const projected = this.#projection.project(query);
    const width = this.#compactDimensions;
    const candidatesWanted = Math.max(k * 5, 50);
    // Keep the best candidates in a small sorted array (candidatesWanted is small next to the item count).
    const bestScores: number[] = [];
    const bestItems: number[] = [];
    // Hot loop: locals, not private fields; four accumulators let the CPU overlap the multiply-adds.
    const compact = this.#compact;
    const scales = this.#scales;
    const count = this.items.length;
    for (let at = 0; at < count; at += 1) {
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      const offset = at * width;
      let dimension = 0;
      for (; dimension + 3 < width; dimension += 4) {
        sum0 += compact[offset + dimension]! * projected[dimension]!;
        sum1 += compact[offset + dimension + 1]! * projected[dimension + 1]!;
        sum2 += compact[offset + dimension + 2]! * projected[dimension + 2]!;
        sum3 += compact[offset + dimension + 3]! * projected[dimension + 3]!;
      }
      for (; dimension < width; dimension += 1) sum0 += compact[offset + dimension]! * projected[dimension]!;
      const score = (sum0 + sum1 + sum2 + sum3) * scales[at]!;
      if (bestScores.length === candidatesWanted && score <= bestScores[bestScores.length - 1]!) continue;
      if (filter && !filter(this.items[at]!)) continue;
      let insert = bestScores.length;
      while (insert > 0 && bestScores[insert - 1]! < score) insert -= 1;
      bestScores.splice(insert, 0, score);
      bestItems.splice(insert, 0, at);
      if (bestScores.length > candidatesWanted) {
        bestScores.pop();
        bestItems.pop();
      }
    }
    const vectors = this.#fullVectors(bestItems.map((at) => this.items[at]!));
    const hits = bestItems.map((at) => {
      const item = this.items[at]!;
      const vector = vectors.get(item.key);
      let score = 0;
      if (vector)
        for (let dimension = 0; dimension < vector.length; dimension += 1)
          score += vector[dimension]! * query[dimension]!;
      return { item, score };
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  /** Full vectors of these items, by key: from the LRU, else recomputed (built-in provider) or read from disk. */
  #fullVectors(items: readonly SourceItemRow[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    const missing: SourceItemRow[] = [];
    for (const item of items) {
      const cached = this.#full.get(item.key);
      if (cached) found.set(item.key, cached);
      else if (!found.has(item.key)) missing.push(item);
    }
    const keep = (key: string, vector: Float32Array) => {
      this.#full.set(key, vector);
      found.set(key, vector);
    };
    let unread = missing;
    if (this.#recompute && missing.length > 0) {
      const texts = this.#cache.itemTexts(
        this.#sourceId,
        this.#providerId,
        missing.map((item) => item.itemId),
      );
      for (const item of missing) {
        const text = texts.get(item.itemId);
        if (text !== undefined) keep(item.key, this.#recompute.embedOne(text));
      }
      unread = missing.filter((item) => !found.has(item.key)); // an index from before texts were kept
    }
    if (unread.length > 0)
      for (const [key, vector] of this.#cache.getVectors(unread.map((item) => item.key))) keep(key, vector);
    this.#misses += missing.length;
    this.#hits += items.length - missing.length;
    return found;
  }

  #hits = 0;
  #misses = 0;

  memory(): VectorMemoryStats {
    return {
      items: this.items.length,
      dimensions: this.dimensions,
      compactBytes: this.#compact.byteLength + this.#scales.byteLength + (this.#projection.matrix?.byteLength ?? 0),
      fullCacheBytes: this.#full.calculatedSize,
      fullCacheLimitBytes: this.#full.maxSize,
      budgetBytes: this.#budget,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}
