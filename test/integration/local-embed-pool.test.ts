import { describe, expect, it } from 'vitest';
import { CompactProjection } from '../../electron/engine/search/compact-projection.ts';
import { embedWorkerCount, LocalEmbedPool } from '../../electron/engine/search/local-embed-pool.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';

describe('the built-in provider in worker threads', () => {
  it('gives exactly the vectors and compact rows of the provider in place, under the same id', async () => {
    const pool = new LocalEmbedPool({ dimensions: 256, workers: 2 });
    const local = new LocalEmbeddingProvider({ dimensions: 256 });
    try {
      expect(pool.id).toBe(local.id);
      expect(pool.recomputable).toBe(true);
      const texts = Array.from({ length: 200 }, (_, index) => `column orders.cust_acct_${index} (customer account)`);
      const [first, second] = await Promise.all([pool.embed(texts.slice(0, 100)), pool.embed(texts.slice(100))]);
      const vectors = [...first.vectors, ...second.vectors];
      vectors.forEach((vector, index) => expect(vector).toEqual(local.embedOne(texts[index]!)));
      const rows = await pool.embedCompact(texts.slice(0, 10), 64);
      const projection = new CompactProjection(256, 64);
      const expected = new Int8Array(10 * 64);
      texts.slice(0, 10).forEach((text, index) => {
        expect(rows.scales[index]).toBe(
          Math.fround(projection.quantize(projection.project(local.embedOne(text)), expected, index * 64)),
        );
      });
      expect(rows.compact).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('validates its size', () => {
    expect(() => new LocalEmbedPool({ workers: 0 })).toThrow(TypeError);
    expect(() => new LocalEmbedPool({ workers: 99 })).toThrow(/1 to 4/);
    expect(embedWorkerCount(1)).toBe(1);
    expect(embedWorkerCount(2)).toBe(2);
    expect(embedWorkerCount(64)).toBe(4);
  });
});
