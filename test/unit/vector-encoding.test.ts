import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeVector, EmbeddingCache, encodeVector } from '../../electron/engine/search/embedding-cache.ts';
import { LocalEmbeddingProvider, recomputingProvider } from '../../electron/engine/search/local-provider.ts';
import { CompactCopyBuilder, compareCodePoints } from '../../electron/engine/search/compact-builder.ts';
import { CompactProjection } from '../../electron/engine/search/compact-projection.ts';
import { compactWidth, VectorIndex } from '../../electron/engine/search/vector-index.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome();
afterAll(home.cleanup);

describe('stored vectors', () => {
  it('stores a sparse vector in 6 bytes a non-zero dimension and gives back exactly the same values', () => {
    const vector = new LocalEmbeddingProvider().embedOne('column orders.cust_id (customer id)\ntype: integer');
    const nonZero = vector.filter((value) => value !== 0).length;
    const blob = encodeVector(vector);
    expect(blob.byteLength).toBe(nonZero * 6);
    expect(blob.byteLength).toBeLessThan(vector.byteLength / 4);
    expect(decodeVector(blob, vector.length)).toEqual(vector);
    // Decoded into a dirty buffer, stale dimensions are cleared.
    expect(decodeVector(blob, vector.length, new Float32Array(vector.length).fill(9))).toEqual(vector);
  });

  it('keeps a dense vector dense, and reads blobs of an unaligned buffer', () => {
    const dense = Float32Array.from({ length: 64 }, (_, index) => (index % 3) - 1 + 0.5);
    const blob = encodeVector(dense);
    expect(blob.byteLength).toBe(dense.byteLength);
    const shifted = Buffer.alloc(blob.byteLength + 1);
    blob.copy(shifted, 1);
    expect(decodeVector(shifted.subarray(1), 64)).toEqual(dense);
    expect(decodeVector(encodeVector(new Float32Array(16)), 16)).toEqual(new Float32Array(16));
  });

  it('refuses a blob that is neither dense nor sparse, or names a dimension out of range', () => {
    expect(() => decodeVector(Buffer.alloc(7), 512)).toThrow(RangeError);
    const outOfRange = Buffer.alloc(6);
    outOfRange.writeFloatLE(1, 0);
    outOfRange.writeUInt16LE(600, 4);
    expect(() => decodeVector(outOfRange, 512)).toThrow(/dimension 600/);
  });

  it('searches sparse-stored vectors as it searches dense ones: the same hits and exact scores', () => {
    const provider = new LocalEmbeddingProvider();
    const texts = Array.from(
      { length: 400 },
      (_, index) => `column t${index % 40}.c${index} amount ${index % 7} status`,
    );
    const vectors = texts.map((text) => provider.embedOne(text));
    const cache = new EmbeddingCache(path.join(home.dir, 'embeddings.db'));
    cache.putBatch(
      provider.id,
      vectors.map((vector, index) => ({ key: `k${index}`, vector })),
    );
    cache.replaceSourceItems(
      's',
      provider.id,
      vectors.map((_, index) => ({
        itemId: `column:${index}`,
        kind: 'column',
        schema: 'main',
        table: `t${index % 40}`,
        column: `c${index}`,
        key: `k${index}`,
      })),
      [],
    );
    expect(cache.getVectors(['k5']).get('k5')).toEqual(vectors[5]);
    const index = VectorIndex.load(cache, 's', provider.id)!;
    const query = provider.embedOne('c17 amount 3 status');
    const hits = index.search(query, 5);
    const exact = vectors
      .map((vector, at) => ({
        at,
        score: vector.reduce((sum, value, dimension) => sum + value * query[dimension]!, 0),
      }))
      .sort((a, b) => b.score - a.score);
    expect(hits[0]!.item.column).toBe(`c${exact[0]!.at}`);
    expect(hits[0]!.score).toBeCloseTo(exact[0]!.score, 6);
    expect(compactWidth(400, 512, 64 * 1024 * 1024)).toBe(128);
    cache.close();
  });
});

describe('the built-in index without stored vectors', () => {
  it('orders item ids as SQLite does (code points, not UTF-16 units)', () => {
    const ids = [
      'column:["a","z"]',
      'column:["a","\u{1F600}"]',
      'column:["a","\uFB01"]',
      'column:["a","b"]',
      'table:x',
    ];
    const cache = new EmbeddingCache(path.join(home.dir, 'order.db'));
    cache.replaceSourceItems(
      's',
      'p',
      ids.map((itemId) => ({ itemId, kind: 'table', schema: 'main', table: itemId, column: null, key: itemId })),
      [],
    );
    const sqliteOrder = cache.sourceItems('s', 'p').map((item) => item.itemId);
    expect([...ids].sort(compareCodePoints)).toEqual(sqliteOrder);
    expect([...ids].sort()).not.toEqual(sqliteOrder); // the plain sort puts the emoji before U+FB01
    cache.close();
  });

  it('searches with vectors recomputed from the kept texts, and rebuilds its compact copy from them', () => {
    const provider = new LocalEmbeddingProvider({ dimensions: 64 });
    const words = [
      'order',
      'customer',
      'invoice',
      'payment',
      'shipment',
      'warehouse',
      'vendor',
      'ledger',
      'ticket',
      'campaign',
    ];
    const kinds = ['amount', 'status', 'date', 'code', 'name', 'total', 'count', 'email', 'phone', 'region'];
    const texts = Array.from({ length: 300 }, (_, index) => {
      const [a, b, c] = [words[index % 10]!, kinds[Math.floor(index / 10) % 10]!, words[Math.floor(index / 100)]!];
      return `column ${a}.${b}_${c} (${a} ${b} ${c})`;
    });
    const cache = new EmbeddingCache(path.join(home.dir, 'recomputed.db'));
    const items = texts.map((text, index) => ({
      itemId: `column:${String(index).padStart(4, '0')}`,
      kind: 'column' as const,
      schema: 'main',
      table: `t${index % 30}`,
      column: `c${index}`,
      key: `k${index}`,
      text,
    }));
    cache.replaceSourceItems('s', provider.id, items, []);
    expect(cache.vectorCount()).toBe(0);
    expect(recomputingProvider(provider.id)?.id).toBe(provider.id);
    expect(recomputingProvider('openai:text-embedding-3-small:1536')).toBeUndefined();
    const index = VectorIndex.load(cache, 's', provider.id)!; // no compact file: recomputed from the texts
    const query = provider.embedOne('customer status invoice');
    const exact = texts.map((text) => provider.embedOne(text).reduce((sum, value, at) => sum + value * query[at]!, 0));
    const bestAt = exact.indexOf(Math.max(...exact));
    const [best] = index.search(query, 1);
    expect(best!.item.column).toBe(`c${bestAt}`);
    expect(best!.score).toBeCloseTo(exact[bestAt]!, 6);
    expect(texts[bestAt]).toContain('customer');
    cache.close();
  });

  it('builds the same compact copy while embedding as from stored vectors', () => {
    const provider = new LocalEmbeddingProvider();
    const vectors = Array.from({ length: 50 }, (_, index) => provider.embedOne(`orders.c${index} status ${index}`));
    const builder = new CompactCopyBuilder(50, 512, 64 * 1024 * 1024);
    vectors.forEach((vector, index) => builder.add(vector, [index]));
    const projection = new CompactProjection(512, 128);
    const rows = new Int8Array(50 * 128);
    const scales = new Float32Array(50);
    vectors.forEach(
      (vector, index) => (scales[index] = projection.quantize(projection.project(vector), rows, index * 128)),
    );
    const second = new CompactCopyBuilder(50, 512, 64 * 1024 * 1024);
    second.addCompact(
      { compact: rows, scales },
      vectors.map((_, index) => [index]),
    );
    expect(second.copy().compact).toEqual(builder.copy().compact);
    expect(() => new CompactCopyBuilder(2, 512, 1 << 26).copy()).toThrow(/misses 2/);
  });
});
