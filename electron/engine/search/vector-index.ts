import { LRUCache } from 'lru-cache';
import { CompactProjection, compactWidth, DEFAULT_VECTOR_BUDGET_BYTES } from './compact-projection.ts';
import { readCompactCopy, removeCompactCopy, writeCompactCopy } from './compact-vectors-file.ts';
import { ItemList, type ItemListParts } from './item-list.ts';
import { decodeVector, type EmbeddingCache, type SourceItemRow } from './embedding-cache.ts';
import { recomputingProvider, type LocalEmbeddingProvider } from './local-provider.ts';

export { compactWidth, DEFAULT_VECTOR_BUDGET_BYTES };

export interface VectorIndexParts {
  readonly sourceId: string;
  readonly providerId: string;
  readonly items: ItemListParts;
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
  /** The packed item ids (the rows themselves are read from disk for the hits only). */
  readonly itemBytes: number;
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
 * vector (random projection to 128 dimensions, int8 quantised: 128 bytes an item, 13 MB for 100,000 items) and the
 * item ids, packed. Full Float32 vectors live on disk and in an LRU bounded in bytes; the best candidates of the
 * compact pass are re-scored exactly with them, their rows read from disk. Vectors are L2-normalised, so the dot
 * product is the cosine.
 */
export class VectorIndex {
  readonly items: ItemList;
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
    items: ItemList,
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
    const count = items.count;
    this.#compactDimensions =
      built && count > 0 ? built.compact.length / count : compactWidth(count, dimensions, budgetBytes);
    this.#projection = new CompactProjection(dimensions, this.#compactDimensions);
    this.#compact = built?.compact ?? new Int8Array(count * this.#compactDimensions);
    this.#scales = built?.scales ?? new Float32Array(count);
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

  /** The index as plain data, to hand from a worker to the main thread; {@link transferables} go without a copy. */
  toParts(): VectorIndexParts {
    return {
      sourceId: this.#sourceId,
      providerId: this.#providerId,
      items: this.items.toParts(),
      dimensions: this.dimensions,
      compact: this.#compact,
      scales: this.#scales,
    };
  }

  static transferables(parts: VectorIndexParts): ArrayBuffer[] {
    return [
      parts.items.bytes.buffer as ArrayBuffer,
      parts.items.offsets.buffer as ArrayBuffer,
      parts.compact.buffer as ArrayBuffer,
      parts.scales.buffer as ArrayBuffer,
    ];
  }

  /** An index from parts built elsewhere (a worker); full vectors are read from `cache` on this side. */
  static fromParts(
    cache: EmbeddingCache,
    parts: VectorIndexParts,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
  ): VectorIndex {
    return new VectorIndex(cache, parts, ItemList.fromParts(parts.items), parts.dimensions, budgetBytes, {
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
    // One read transaction: the item list and the rows the build reads are of the same index, whatever an indexer
    // in another process commits meanwhile.
    return cache.db.transaction(() => {
      const { list, stamp } = cache.itemList(sourceId, providerId);
      if (list.count === 0) return undefined;
      const stored = compactFile ? readCompactCopy(compactFile, stamp) : undefined;
      // A copy made for another budget (a different width) is rebuilt in memory for this one.
      if (stored && stored.compact.length === list.count * compactWidth(list.count, stored.dimensions, budgetBytes))
        return new VectorIndex(cache, { sourceId, providerId }, list, stored.dimensions, budgetBytes, stored);
      return VectorIndex.#build(cache, list, sourceId, providerId, budgetBytes);
    })();
  }

  /** Builds the compact copy of a source's index and writes it beside the cache, for every later process to load. */
  static writeCompactCopy(
    cache: EmbeddingCache,
    sourceId: string,
    providerId: string,
    compactFile: string,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
  ): void {
    cache.db.transaction(() => {
      const { list, stamp } = cache.itemList(sourceId, providerId);
      if (list.count === 0) return removeCompactCopy(compactFile);
      const existing = readCompactCopy(compactFile, stamp);
      const fits = (copy: { dimensions: number; compact: Int8Array }) =>
        copy.compact.length === list.count * compactWidth(list.count, copy.dimensions, budgetBytes);
      if (existing && fits(existing)) return; // unchanged
      const index = VectorIndex.#build(cache, list, sourceId, providerId, budgetBytes);
      if (index)
        writeCompactCopy(compactFile, stamp, {
          dimensions: index.dimensions,
          compact: index.#compact,
          scales: index.#scales,
        });
    })();
  }

  static #build(
    cache: EmbeddingCache,
    items: ItemList,
    sourceId: string,
    providerId: string,
    budgetBytes: number,
  ): VectorIndex | undefined {
    const firstRow = cache.itemsById(sourceId, providerId, [items.id(0)]).get(items.id(0));
    const first = firstRow ? cache.getVectors([firstRow.key]).get(firstRow.key) : undefined;
    if (!first) return VectorIndex.#recomputed(cache, items, sourceId, providerId, budgetBytes);
    const index = new VectorIndex(cache, { sourceId, providerId }, items, first.length, budgetBytes);
    // Positions by vector key, in item id order (the list's order), for this pass only.
    const keyed = new Map<string, number[]>();
    let at = 0;
    for (const { item_id: itemId, key } of cache.iterateTexts(sourceId, providerId)) {
      if (at >= items.count || items.id(at) !== itemId) return undefined; // changed meanwhile: loaded again later
      const list = keyed.get(key);
      if (list) list.push(at);
      else keyed.set(key, [at]);
      at += 1;
    }
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
      for (const position of positions)
        index.#scales[position] = projection.quantize(projected, index.#compact, position * index.#compactDimensions);
    }
    return index;
  }

  /**
   * The built-in provider's index, whose vectors are not stored: each item's vector recomputed from its stored text
   * (~30 s for 510,000 items, on one core). Only when the compact copy written at index time is missing or damaged.
   */
  static #recomputed(
    cache: EmbeddingCache,
    items: ItemList,
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
      // Not this index's items (changed meanwhile), or no text.
      if (row.text === null || at >= items.count || items.id(at) !== row.item_id) return undefined;
      const projected = projection.project(provider.embedOne(row.text));
      index.#scales[at] = projection.quantize(projected, index.#compact, at * index.#compactDimensions);
      at += 1;
    }
    return at === items.count ? index : undefined;
  }

  /** The k nearest items to `query` (an L2-normalised vector of the same provider). */
  search(query: Float32Array, k: number): VectorHit[] {
    if (query.length !== this.dimensions)
      throw new TypeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    const best = this.#candidates(this.#projection.project(query), Math.max(k * 5, 50));
    // Only the candidates' rows are read: the index holds their ids, not 510,000 row objects (W10k).
    const rows = this.#cache.itemsById(
      this.#sourceId,
      this.#providerId,
      best.map((at) => this.items.id(at)),
    );
    const candidates = [...rows.values()];
    const vectors = this.#fullVectors(candidates);
    const hits = candidates.map((row) => {
      const vector = vectors.get(row.key);
      let score = 0;
      if (vector)
        for (let dimension = 0; dimension < vector.length; dimension += 1)
          score += vector[dimension]! * query[dimension]!;
      const { text: _text, ...item } = row;
      return { item, score };
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  /** The positions of the `wanted` best items by the compact copy, best first. */
  #candidates(projected: Float32Array, wanted: number): number[] {
    const width = this.#compactDimensions;
    // Keep the best candidates in a small sorted array (wanted is small next to the item count).
    const bestScores: number[] = [];
    const bestItems: number[] = [];
    // Hot loop: locals, not private fields; four accumulators let the CPU overlap the multiply-adds.
    const compact = this.#compact;
    const scales = this.#scales;
    const count = this.items.count;
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
      if (bestScores.length === wanted && score <= bestScores[bestScores.length - 1]!) continue;
      let insert = bestScores.length;
      while (insert > 0 && bestScores[insert - 1]! < score) insert -= 1;
      bestScores.splice(insert, 0, score);
      bestItems.splice(insert, 0, at);
      if (bestScores.length > wanted) {
        bestScores.pop();
        bestItems.pop();
      }
    }
    return bestItems;
  }

  /** Full vectors of these items, by key: from the LRU, else recomputed from their texts (built-in) or read from disk. */
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
      for (const item of missing)
        if (typeof item.text === 'string') keep(item.key, this.#recompute.embedOne(item.text));
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
      items: this.items.count,
      dimensions: this.dimensions,
      itemBytes: this.items.byteLength,
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
