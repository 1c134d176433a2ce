import { describe, expect, it } from 'vitest';
import { ItemList, ItemListBuilder, itemsStamp } from '../../electron/engine/search/item-list.ts';

/** Item ids as the indexer writes them, with names strangers give: quotes, dots, NUL, emoji, non-Latin scripts. */
const IDS = [
  'column:["main","t","c"]',
  'column:["main","a.b","c"]',
  'table:["public","größe"]',
  'column:["dbo","表","列 \\"x\\""]',
  'column:["s","__proto__","constructor"]',
  'table:["s","🦀 crab"]',
  'column:["s","t","\\u0000nul"]',
  '',
];

describe('ItemList', () => {
  it('gives every id back exactly, in order, from one packed buffer', () => {
    const builder = new ItemListBuilder();
    IDS.forEach((id, at) => builder.add(id, `k${at}`));
    const { list, stamp } = builder.finish();
    expect(list.count).toBe(IDS.length);
    expect(IDS.map((_, at) => list.id(at))).toEqual(IDS);
    expect(stamp.count).toBe(IDS.length);
    expect(() => list.id(IDS.length)).toThrow(RangeError);
    expect(() => list.id(-1)).toThrow(RangeError);
  });

  it('stamps the same list alike, whether built from a cursor or from rows in memory, and any change apart', () => {
    const rows = IDS.map((itemId, at) => ({ itemId, key: `k${at}` }));
    const builder = new ItemListBuilder();
    for (const row of rows) builder.add(row.itemId, row.key);
    const { stamp } = builder.finish();
    expect(itemsStamp(rows)).toEqual(stamp);
    expect(itemsStamp(rows.slice(1)).fingerprint).not.toBe(stamp.fingerprint);
    expect(itemsStamp(rows.map((row, at) => (at === 3 ? { ...row, key: 'other' } : row))).fingerprint).not.toBe(
      stamp.fingerprint,
    );
    // The separators keep id/key boundaries apart: ("ab","c") is not ("a","bc").
    expect(itemsStamp([{ itemId: 'ab', key: 'c' }]).fingerprint).not.toBe(
      itemsStamp([{ itemId: 'a', key: 'bc' }]).fingerprint,
    );
  });

  it('grows past its first buffer and survives a trip through its parts (what a worker hands over)', () => {
    const builder = new ItemListBuilder();
    const many = Array.from({ length: 20_000 }, (_, at) => `column:["schema","table_${at}","ünïcödé_${at}"]`);
    for (const id of many) builder.add(id, id);
    const { list } = builder.finish();
    const copy = ItemList.fromParts(structuredClone(list.toParts()));
    expect(copy.count).toBe(many.length);
    expect(copy.id(0)).toBe(many[0]);
    expect(copy.id(19_999)).toBe(many[19_999]);
    expect(list.byteLength).toBeLessThan(many.join('').length * 1.2 + 4 * (many.length + 1));
  });
});
