import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddingCache } from '../../electron/engine/search/embedding-cache.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome('run-texts-');
afterAll(home.cleanup);

/** Databases attached to the connection besides main and temp, and scratch files in the data folder. */
const scratch = (cache: EmbeddingCache) => ({
  attached: (cache.db.pragma('database_list') as { name: string }[])
    .map((db) => db.name)
    .filter((name) => name !== 'main' && name !== 'temp'),
  files: readdirSync(home.dir).filter((name) => name.startsWith('run-texts-')),
});

describe("an indexing run's texts", () => {
  it("gives back every text by its id, strangers' text included, and leaves nothing behind", () => {
    const cache = new EmbeddingCache(EmbeddingCache.file(home.dir));
    try {
      const texts = cache.runTexts();
      const written = ['plain', 'it\'s "quoted"', 'größe 表 🦀', 'nul \u0000 inside', '', 'x'.repeat(100_000)];
      const ids: number[] = [];
      texts.write(() => {
        for (const text of written) ids.push(texts.add(text));
      });
      expect(new Set(ids).size).toBe(written.length);
      expect(ids.map((id) => texts.get(id))).toEqual(written);
      expect(() => texts.get(written.length + 10)).toThrow(RangeError);
      // Not in embeddings.db itself, and in the data folder (not the system's temporary folder, maybe a RAM disk).
      expect(cache.db.prepare("SELECT count(*) FROM main.sqlite_schema WHERE name LIKE '%text%'").pluck().get()).toBe(
        0,
      );
      expect(scratch(cache).files).toHaveLength(1);
      texts.close();
      expect(scratch(cache)).toEqual({ attached: [], files: [] });
    } finally {
      cache.close();
    }
  });

  it('keeps two runs on one connection apart, and a rolled-back write adds nothing', () => {
    const cache = new EmbeddingCache(EmbeddingCache.file(home.dir));
    try {
      const first = cache.runTexts();
      const second = cache.runTexts();
      first.write(() => void first.add('first run'));
      second.write(() => void second.add('second run'));
      expect(first.get(0)).toBe('first run');
      expect(second.get(0)).toBe('second run');
      expect(() =>
        second.write(() => {
          second.add('never kept');
          throw new Error('the documents failed');
        }),
      ).toThrow('the documents failed');
      expect(() => second.get(1)).toThrow(RangeError);
      first.close();
      second.close();
      expect(scratch(cache)).toEqual({ attached: [], files: [] });
    } finally {
      cache.close();
    }
  });

  it('removes the scratch file of a run whose process died, and only those', () => {
    const dead = path.join(home.dir, 'run-texts-2147483646-1-1-dead.db'); // no such process
    const mine = path.join(home.dir, `run-texts-${process.pid}-9-9-mine.db`); // a live run of this process
    writeFileSync(dead, 'left by a killed run');
    writeFileSync(mine, 'in use');
    const cache = new EmbeddingCache(EmbeddingCache.file(home.dir));
    try {
      const texts = cache.runTexts();
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(mine)).toBe(true);
      texts.close();
    } finally {
      cache.close();
      rmSync(mine, { force: true });
    }
  });
});
