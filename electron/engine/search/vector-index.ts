import { LRUCache } from 'lru-cache';
import { createRandom } from '../platform/random.ts';
import { readCompactCopy, removeCompactCopy, writeCompactCopy } from './compact-vectors-file.ts';
import type { EmbeddingCache, SourceItemRow } from './embedding-cache.ts';

export const DEFAULT_VECTOR_BUDGET_BYTES = 64 * 1024 * 1024;
const COMPACT_DIMENSIONS = 128;
/** Below this the compact pass no longer picks good candidates; a budget that small is exceeded rather than useless. */
const MIN_COMPACT_DIMENSIONS = 16;
/** The compact copy may take this share of the budget; the rest is for full vectors read back to re-score. */
const COMPACT_SHARE = 0.75;

/**
 * Dimensions of the compact copy: 128, fewer when items x 128 bytes would not fit the budget's compact share
 * (W10k has 510,000 items: 65 MB at 128, over the 64 MB default). A multiple of 8, never below 16.
 */
export function compactWidth(items: number, dimensions: number, budgetBytes: number): number {
  // share x budget >= items x (width + 4 for the scale) + dimensions x width x 4 (the projection matrix)
  const fits = Math.floor((budgetBytes * COMPACT_SHARE - 4 * items) / (items + 4 * dimensions));
  return Math.min(dimensions, COMPACT_DIMENSIONS, Math.max(MIN_COMPACT_DIMENSIONS, fits - (fits % 8)));
}

export interface VectorIndexParts {
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
  readonly budgetBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** A seeded Gaussian random projection: preserves angles well enough to pick candidates for exact re-scoring. */
function projectionMatrix(from: number, to: number): Float32Array {
  const random = createRandom(0x5eed);
  const matrix = new Float32Array(from * to);
  for (let index = 0; index < matrix.length; index += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    matrix[index] = radius * Math.cos(2 * Math.PI * v);
    if (index + 1 < matrix.length) matrix[index + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return matrix;
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
  readonly #projection: Float32Array | null;
  readonly #compactDimensions: number;
  readonly #full: LRUCache<string, Float32Array>;
  readonly #cache: EmbeddingCache;
  readonly #budget: number;
  #evictions = 0;

  private constructor(
    cache: EmbeddingCache,
    items: SourceItemRow[],
    dimensions: number,
    budgetBytes: number,
    built?: { compact: Int8Array; scales: Float32Array },
  ) {
    this.#cache = cache;
    this.items = items;
    this.dimensions = dimensions;
    this.#compactDimensions =
      built && items.length > 0
        ? built.compact.length / items.length
        : compactWidth(items.length, dimensions, budgetBytes);
    this.#projection =
      dimensions > this.#compactDimensions ? projectionMatrix(dimensions, this.#compactDimensions) : null;
    this.#compact = built?.compact ?? new Int8Array(items.length * this.#compactDimensions);
    this.#scales = built?.scales ?? new Float32Array(items.length);
    const compactBytes = this.#compact.byteLength + this.#scales.byteLength + (this.#projection?.byteLength ?? 0);
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
    return { items: [...this.items], dimensions: this.dimensions, compact: this.#compact, scales: this.#scales };
  }

  /** An index from parts built elsewhere (a worker); full vectors are read from `cache` on this side. */
  static fromParts(
    cache: EmbeddingCache,
    parts: VectorIndexParts,
    budgetBytes = DEFAULT_VECTOR_BUDGET_BYTES,
  ): VectorIndex {
    return new VectorIndex(cache, parts.items, parts.dimensions, budgetBytes, {
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
      return new VectorIndex(cache, items, stored.dimensions, budgetBytes, stored);
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
    if (!first) return undefined;
    const index = new VectorIndex(cache, items, first.length, budgetBytes);
    const position = new Map(items.map((item, at) => [item.key, at] as const));
    const keyed = new Map<string, number[]>();
    items.forEach((item, at) => {
      const list = keyed.get(item.key);
      if (list) list.push(at);
      else keyed.set(item.key, [at]);
    });
    const rows = cache.db
      .prepare(
        'SELECT v.key, v.vector FROM vectors v JOIN source_items s ON s.key = v.key WHERE s.source_id = ? AND s.provider = ?',
      )
      .iterate(sourceId, providerId) as IterableIterator<{ key: string; vector: Buffer }>;
    const scratch = new Float32Array(first.length);
    for (const row of rows) {
      if (!position.has(row.key)) continue;
      new Uint8Array(scratch.buffer).set(row.vector.subarray(0, scratch.byteLength));
      for (const at of keyed.get(row.key) ?? []) index.#storeCompact(at, scratch);
    }
    return index;
  }

  #project(vector: Float32Array, out = new Float32Array(this.#compactDimensions)): Float32Array {
    const projection = this.#projection;
    if (!projection) return vector;
    // Hot loop (every vector on load): locals, not private fields, and four accumulators.
    const rows = this.#compactDimensions;
    const from = this.dimensions;
    for (let row = 0; row < rows; row += 1) {
      const offset = row * from;
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      let column = 0;
      for (; column + 3 < from; column += 4) {
        sum0 += projection[offset + column]! * vector[column]!;
        sum1 += projection[offset + column + 1]! * vector[column + 1]!;
        sum2 += projection[offset + column + 2]! * vector[column + 2]!;
        sum3 += projection[offset + column + 3]! * vector[column + 3]!;
      }
      for (; column < from; column += 1) sum0 += projection[offset + column]! * vector[column]!;
      out[row] = sum0 + sum1 + sum2 + sum3;
    }
    return out;
  }

  readonly #projected = new Float32Array(COMPACT_DIMENSIONS);

  #storeCompact(at: number, vector: Float32Array): void {
    const projected = this.#project(vector, this.#projected);
    let max = 0;
    for (const value of projected) max = Math.max(max, Math.abs(value));
    const scale = max > 0 ? max / 127 : 1;
    this.#scales[at] = scale;
    const offset = at * this.#compactDimensions;
    for (let dimension = 0; dimension < this.#compactDimensions; dimension += 1)
      this.#compact[offset + dimension] = Math.round(projected[dimension]! / scale);
  }

  /** The k nearest items to `query` (an L2-normalised vector of the same provider). */
  search(query: Float32Array, k: number, filter?: (item: SourceItemRow) => boolean): VectorHit[] {
    if (query.length !== this.dimensions)
      throw new TypeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    const projected = this.#project(query);
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
    const keys = bestItems.map((at) => this.items[at]!.key);
    const vectors = this.#fullVectors(keys);
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

  #fullVectors(keys: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const key of keys) {
      const cached = this.#full.get(key);
      if (cached) found.set(key, cached);
      else missing.push(key);
    }
    if (missing.length > 0) {
      for (const [key, vector] of this.#cache.getVectors(missing)) {
        this.#full.set(key, vector);
        found.set(key, vector);
      }
    }
    this.#misses += missing.length;
    this.#hits += keys.length - missing.length;
    return found;
  }

  #hits = 0;
  #misses = 0;

  memory(): VectorMemoryStats {
    return {
      items: this.items.length,
      dimensions: this.dimensions,
      compactBytes: this.#compact.byteLength + this.#scales.byteLength + (this.#projection?.byteLength ?? 0),
      fullCacheBytes: this.#full.calculatedSize,
      budgetBytes: this.#budget,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}
