import { describe, expect, it } from 'vitest';
import { packBatchesLazily } from '../../electron/engine/search/batcher.ts';
import { buildDocuments } from '../../electron/engine/search/embedding-documents.ts';
import { expandIdentifier, splitIdentifier } from '../../electron/engine/search/identifier-words.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';
import { decodeEmbedding } from '../../electron/engine/search/openai-provider.ts';
import { parseResetDuration, RateLimiter, retryAfterMs } from '../../electron/engine/search/rate-limiter.ts';
import { countTokens, encodingForModel, truncateToTokens } from '../../electron/engine/platform/token-counter.ts';
import type { TableInfo } from '../../shared/schema-types.ts';

const table: TableInfo = {
  schema: 'main',
  name: 'sls_rfnd',
  kind: 'table',
  comment: 'Refunds paid to customers',
  rowEstimate: 100,
  columns: [
    { name: 'rfnd_id', ordinal: 1, type: 'INTEGER', nullable: false, defaultValue: null, comment: null },
    {
      name: 'rfnd_amt',
      ordinal: 2,
      type: 'NUMERIC(14,2)',
      nullable: false,
      defaultValue: null,
      comment: 'Refund amount in order currency',
    },
    { name: 'cntry_id', ordinal: 3, type: 'INTEGER', nullable: false, defaultValue: null, comment: null },
  ],
  primaryKey: ['rfnd_id'],
  foreignKeys: [
    { name: 'fk', columns: ['cntry_id'], refSchema: 'main', refTable: 'ref_cntry', refColumns: ['cntry_id'] },
  ],
  indexes: [],
};

describe('embedding documents', () => {
  it('splits identifiers and expands the abbreviations analysts meet', () => {
    expect(splitIdentifier('OrderDetailID')).toEqual(['order', 'detail', 'id']);
    expect(splitIdentifier('amt_2')).toEqual(['amt', '2']);
    expect(splitIdentifier('größe_m2')).toEqual(['größe', 'm', '2']);
    expect(expandIdentifier('cust_acct_dt')).toBe('customer account date');
    expect(expandIdentifier('tot_net_amt')).toBe('total net amount');
    expect(expandIdentifier('qty_on_hnd')).toBe('quantity on hand');
  });

  it('gives names with dots distinct item ids', () => {
    const dotted = { ...table, name: 'a.b', columns: [{ ...table.columns[0]!, name: 'c' }] };
    const plain = { ...table, name: 'a', columns: [{ ...table.columns[0]!, name: 'b.c' }] };
    const ids = buildDocuments({
      tables: [
        { ...dotted, schema: 'main' },
        { ...plain, schema: 'main' },
      ],
    }).map((document) => document.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes one document per table and per column, deterministic, with comments, keys and relations', () => {
    const documents = buildDocuments({ tables: [table] });
    expect(documents.map((document) => document.id)).toEqual([
      'table:["main","sls_rfnd"]',
      'column:["main","sls_rfnd","rfnd_id"]',
      'column:["main","sls_rfnd","rfnd_amt"]',
      'column:["main","sls_rfnd","cntry_id"]',
    ]);
    expect(documents[0]!.text).toContain('sales refund');
    expect(documents[0]!.text).toContain('Refunds paid to customers');
    expect(documents[0]!.text).toContain('references: ref_cntry (reference country)');
    expect(documents[2]!.text).toContain('refund amount');
    expect(documents[2]!.text).toContain('Refund amount in order currency');
    expect(documents[3]!.text).toContain('references: ref_cntry.cntry_id');
    expect(buildDocuments({ tables: [table] })).toEqual(documents);
    const changed = buildDocuments({
      tables: [
        { ...table, columns: [table.columns[0]!, { ...table.columns[1]!, comment: 'changed' }, table.columns[2]!] },
      ],
    });
    expect(changed[1]!.hash).toBe(documents[1]!.hash);
    expect(changed[2]!.hash).not.toBe(documents[2]!.hash);
  });
});

describe('the local provider', () => {
  const provider = new LocalEmbeddingProvider();
  it('is deterministic, normalised, and finds meaning in cryptic names', () => {
    const a = provider.embedOne('refunds by country');
    expect(Array.from(a)).toEqual(Array.from(provider.embedOne('refunds by country')));
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    const cosine = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, index) => sum + value * y[index]!, 0);
    const documents = buildDocuments({ tables: [table] });
    const refundAmount = provider.embedOne(documents[2]!.text);
    const countryColumn = provider.embedOne(documents[3]!.text);
    expect(cosine(provider.embedOne('refund amount'), refundAmount)).toBeGreaterThan(
      cosine(provider.embedOne('refund amount'), countryColumn),
    );
    expect(cosine(provider.embedOne('country of the refund'), countryColumn)).toBeGreaterThan(0.2);
  });

  it('refuses nonsense dimensions', () => {
    expect(() => new LocalEmbeddingProvider({ dimensions: 3 })).toThrow(TypeError);
  });
});

describe('tokens and batches', () => {
  it('counts exactly with tiktoken and truncates on a token boundary', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1); // special markers in user text are plain text
    const long = 'analyst '.repeat(10_000);
    const cut = truncateToTokens(long, 8192);
    expect(cut.truncated).toBe(true);
    expect(countTokens(cut.text)).toBeLessThanOrEqual(8192);
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
  });

  it('packs under both the input cap and the token cap, keeping order', async () => {
    const items = Array.from({ length: 10 }, (_, index) => ({ index, tokens: 100 }));
    const pack = async (maxInputs: number, maxTokens: number) => {
      const batches: { items: { index: number }[]; tokens: number }[] = [];
      for await (const batch of packBatchesLazily(items, maxInputs, maxTokens, (item) => item.tokens))
        batches.push(batch);
      return batches;
    };
    expect((await pack(4, 0)).map((batch) => batch.items.length)).toEqual([4, 4, 2]);
    expect((await pack(100, 250)).map((batch) => batch.items.length)).toEqual([2, 2, 2, 2, 2]);
    expect((await pack(100, 250)).every((batch) => batch.tokens <= 250)).toBe(true);
    expect((await pack(3, 250)).flatMap((batch) => batch.items).map((item) => item.index)).toEqual(
      items.map((item) => item.index),
    );
    await expect(pack(0, 0)).rejects.toThrow(TypeError);
  });
});

describe('rate limits', () => {
  it('parses OpenAI reset durations and retry-after forms', () => {
    expect(parseResetDuration('1s')).toBe(1000);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('250ms')).toBe(250);
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('soon')).toBeUndefined();
    const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
  });

  it('spaces requests to the RPM and TPM limits and honours a pause', async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter({
      requestsPerMinute: 2,
      tokensPerMinute: 1000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    await limiter.acquire(100);
    await limiter.acquire(100);
    await limiter.acquire(100); // third request in a minute: waits for the first to leave the window
    expect(clock).toBe(60_000);
    limiter.pauseUntil(clock + 5_000);
    await limiter.acquire(100);
    expect(clock).toBeGreaterThanOrEqual(65_000);
    const tokens = new RateLimiter({
      requestsPerMinute: 100,
      tokensPerMinute: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const before = clock;
    await tokens.acquire(900);
    await tokens.acquire(200); // would exceed the TPM: waits a minute
    expect(clock - before).toBe(60_000);
  });

  it('decodes base64 and float embeddings to the same Float32Array', () => {
    const vector = Float32Array.from([0.25, -0.5, 1]);
    expect(Array.from(decodeEmbedding(Buffer.from(vector.buffer).toString('base64')))).toEqual([0.25, -0.5, 1]);
    expect(Array.from(decodeEmbedding([0.25, -0.5, 1]))).toEqual([0.25, -0.5, 1]);
    expect(() => decodeEmbedding('abc')).toThrow(/float32/);
    expect(() => decodeEmbedding({})).toThrow(/unknown format/);
  });
});
