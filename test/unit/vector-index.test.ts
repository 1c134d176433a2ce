import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../electron/engine/platform/random.ts';
import { EmbeddingCache } from '../../electron/engine/search/embedding-cache.ts';
import { l2normalize } from '../../electron/engine/search/embedding-provider.ts';
import { compactWidth, VectorIndex } from '../../electron/engine/search/vector-index.ts';
import { compactVectorsFile, readCompactCopy } from '../../electron/engine/search/compact-vectors-file.ts';
import { itemsStamp } from '../../electron/engine/search/item-list.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome();
afterAll(home.cleanup);

function randomVector(random: () => number, dimensions: number): Float32Array {
  return l2normalize(Float32Array.from({ length: dimensions }, () => random() - 0.5));
}

describe('VectorIndex', () => {
  const dimensions = 1536;
  const count = 3000;
  const random = createRandom(11);
  const cache = new EmbeddingCache(path.join(home.dir, 'embeddings.db'));
  // Clustered data, like real embeddings: items near 60 topic centres.
  const centres = Array.from({ length: 60 }, () => randomVector(random, dimensions));
  const vectors = Array.from({ length: count }, (_, index) => {
    const centre = centres[index % centres.length]!;
    return l2normalize(Float32Array.from(centre, (value) => value + (random() - 0.5) * 0.03));
  });
  cache.putBatch(
    'fake:model:1536',
    vectors.map((vector, index) => ({ key: `k${index}`, vector })),
  );
  cache.replaceSourceItems(
    's',
    'fake:model:1536',
    vectors.map((_, index) => ({
      itemId: `column:main.t.c${index}`,
      kind: 'column',
      schema: 'main',
      table: 't',
      column: `c${index}`,
      key: `k${index}`,
    })),
    [],
  );
  const budget = 2 * 1024 * 1024; // 2 MB for 3,000 x 1,536 floats (18 MB raw)
  const index = VectorIndex.load(cache, 's', 'fake:model:1536', budget)!;

  it('finds the same nearest neighbours as brute force, within a memory budget far below the raw size', () => {
    let agree = 0;
    let total = 0;
    for (let trial = 0; trial < 25; trial += 1) {
      const query = l2normalize(
        Float32Array.from(vectors[(trial * 97) % count]!, (value) => value + (random() - 0.5) * 0.02),
      );
      const exact = vectors
        .map((vector, at) => ({
          at,
          score: vector.reduce((sum, value, dimension) => sum + value * query[dimension]!, 0),
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map((hit) => `c${hit.at}`);
      const found = index.search(query, 10).map((hit) => hit.item.column);
      agree += found.filter((column) => exact.includes(column!)).length;
      total += 10;
      expect(found[0]).toBe(exact[0]);
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.9);
    const memory = index.memory();
    expect(memory.compactBytes + memory.fullCacheBytes).toBeLessThanOrEqual(budget);
    expect(memory.evictions).toBeGreaterThan(0);
    expect(memory.misses).toBeGreaterThan(0);
  });

  it('reports cache hits when the same query comes back', () => {
    const before = index.memory().hits;
    index.search(vectors[5]!, 5);
    index.search(vectors[5]!, 5);
    expect(index.memory().hits).toBeGreaterThan(before);
  });

  it('refuses a query of the wrong size', () => {
    expect(() => index.search(new Float32Array(10), 5)).toThrow(/dimensions/);
  });

  describe('the compact copy written at index time', () => {
    const file = compactVectorsFile(path.join(home.dir, 'embeddings.db'), 's', 'fake:model:1536');
    const query = l2normalize(Float32Array.from(vectors[123]!, (value) => value + 0.001));
    const top = (from: VectorIndex) => from.search(query, 10).map((hit) => hit.item.itemId);

    it('is written once, loaded instead of projecting every vector again, and answers exactly as the rebuilt index', () => {
      VectorIndex.writeCompactCopy(cache, 's', 'fake:model:1536', file);
      const written = statSync(file).mtimeMs;
      VectorIndex.writeCompactCopy(cache, 's', 'fake:model:1536', file); // unchanged items: not rewritten
      expect(statSync(file).mtimeMs).toBe(written);
      const items = cache.sourceItems('s', 'fake:model:1536');
      const copy = readCompactCopy(file, itemsStamp(items))!;
      expect(copy.compact).toHaveLength(count * 128);
      const loaded = VectorIndex.load(cache, 's', 'fake:model:1536', budget, file)!;
      expect(top(loaded)).toEqual(top(index));
      expect(loaded.memory().compactBytes).toBe(index.memory().compactBytes);
    });

    it('is ignored when it does not match the stored items, or is damaged: never trusted, always rebuilt', () => {
      const items = cache.sourceItems('s', 'fake:model:1536');
      expect(readCompactCopy(file, itemsStamp(items.slice(1)))).toBeUndefined();
      expect(
        readCompactCopy(file, itemsStamp(items.map((item, at) => (at === 7 ? { ...item, key: 'k8' } : item)))),
      ).toBeUndefined();
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, bytes.length - 5));
      expect(readCompactCopy(file, itemsStamp(items))).toBeUndefined();
      expect(top(VectorIndex.load(cache, 's', 'fake:model:1536', budget, file)!)).toEqual(top(index));
      writeFileSync(file, Buffer.concat([Buffer.from('XXXX'), bytes.subarray(4)]));
      expect(readCompactCopy(file, itemsStamp(items))).toBeUndefined();
    });
  });

  it('narrows the compact copy so that a large index stays inside a small budget, and still finds the neighbours', () => {
    const small = 600 * 1024; // 3,000 items x 1,536 dimensions: 128-wide compact copy + projection = 1.2 MB
    expect(compactWidth(3000, 1536, small)).toBeLessThan(128);
    expect(compactWidth(510_000, 512, 64 * 1024 * 1024)).toBe(88); // W10k with the built-in provider
    expect(compactWidth(3000, 1536, budget)).toBe(128);
    const narrow = VectorIndex.load(cache, 's', 'fake:model:1536', small)!;
    const stats = narrow.memory();
    expect(stats.compactBytes).toBeLessThanOrEqual(small);
    const query = l2normalize(Float32Array.from(vectors[321]!, (value) => value + 0.001));
    expect(narrow.search(query, 5)[0]!.item.itemId).toBe('column:main.t.c321');
    expect(stats.compactBytes + stats.fullCacheBytes).toBeLessThanOrEqual(small + 1536 * 4 * 10);
  });

  it('reports the full-vector cache with the bound it really has, even when the compact copy takes the whole budget', () => {
    // The Memory panel showed "full vectors: 2048/0": a limit of 0 while the LRU held a vector (it keeps at least one).
    const tiny = 64 * 1024; // below the 16-wide compact copy of 3,000 items
    const cramped = VectorIndex.load(cache, 's', 'fake:model:1536', tiny)!;
    cramped.search(vectors[5]!, 3);
    const stats = cramped.memory();
    expect(stats.compactBytes).toBeGreaterThan(tiny);
    expect(stats.fullCacheBytes).toBeGreaterThan(0);
    expect(stats.fullCacheLimitBytes).toBeGreaterThanOrEqual(stats.fullCacheBytes);
    expect(stats.fullCacheLimitBytes).toBe(1536 * 4);
    const roomy = index.memory();
    expect(roomy.fullCacheLimitBytes).toBe(budget - roomy.compactBytes);
  });
});
