import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingCache, vectorKey } from '../../electron/engine/search/embedding-cache.ts';
import { buildDocuments, type EmbeddingDocument } from '../../electron/engine/search/embedding-documents.ts';
import type { ProviderSettings } from '../../electron/engine/search/embedding-provider.ts';
import { startIndexJob } from '../../electron/engine/search/indexer-client.ts';
import type { IndexerEvent, IndexSummary } from '../../electron/engine/search/indexer-protocol.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

const db = openSqlite(workloadSqliteFile('w200'), { readonly: true });
const snapshot = introspectSqlite(db, 'w200').snapshot;
db.close();
const allDocuments = buildDocuments(snapshot);
const server = new FakeOpenAiServer({ latencyMs: 5 });
let url: string;

beforeAll(async () => {
  url = await server.start();
});
afterAll(() => server.stop());

function run(
  home: string,
  documents: readonly EmbeddingDocument[],
  settings: Partial<ProviderSettings>,
  onEvent?: (event: IndexerEvent) => void,
) {
  return startIndexJob({
    home,
    sourceId: 'w200',
    provider: { provider: 'openai', baseUrl: url, apiKey: 'test-key', dimensions: 256, ...settings },
    documents,
    onEvent,
  });
}

/** Every stored vector must be exactly the one the server computes for that document's text. */
function expectStoredExactly(home: string, documents: readonly EmbeddingDocument[], providerId: string): void {
  const cache = new EmbeddingCache(EmbeddingCache.file(home), { readonly: true });
  try {
    const vectors = cache.getVectors(documents.map((document) => vectorKey(providerId, document.hash)));
    for (const document of documents) {
      const stored = vectors.get(vectorKey(providerId, document.hash));
      expect(stored, document.id).toBeDefined();
      expect(Array.from(stored!)).toEqual(Array.from(server.vectorFor(document.text, 256)));
    }
    expect(cache.sourceItems('w200', providerId)).toHaveLength(documents.length);
  } finally {
    cache.close();
  }
}

describe('the embedding indexer against the fake OpenAI server', () => {
  it('embeds W200 in a few large batches under the input and token caps, base64 or float', async () => {
    for (const [encoding, ignore] of [
      ['base64', false],
      ['float', false],
      ['base64', true],
    ] as const) {
      const home = tempHome();
      server.reset();
      server.configure({ ignoreEncodingFormat: ignore, maxTokensPerRequest: 300_000 });
      const summary = await run(home.dir, allDocuments, { encoding, concurrency: 4 }).done;
      expect(summary, `${encoding} ${ignore}`).toMatchObject({
        state: 'done',
        total: 10_200,
        embedded: 10_200,
        failed: 0,
      });
      expect(summary.requests).toBeLessThanOrEqual(6);
      expect(server.stats.maxInputsInOneRequest).toBeLessThanOrEqual(2048);
      if (encoding === 'base64' && !ignore) expectStoredExactly(home.dir, allDocuments, summary.providerId);
      home.cleanup();
    }
    server.configure({ ignoreEncodingFormat: false });
  });

  it('packs by tokens when the token cap binds (never a request the server refuses)', async () => {
    const home = tempHome();
    server.reset();
    server.configure({ maxTokensPerRequest: 20_000 });
    const summary = await run(home.dir, allDocuments, {
      maxTokensPerRequest: 20_000,
      concurrency: 8,
    } as Partial<ProviderSettings>).done;
    server.configure({ maxTokensPerRequest: 300_000 });
    expect(summary).toMatchObject({ state: 'done', embedded: 10_200, failed: 0 });
    expect(server.records.every((record) => record.status === 200 && record.tokens <= 20_000)).toBe(true);
    expect(summary.requests).toBeGreaterThan(10);
    home.cleanup();
  });

  it('survives a fault mix: nothing lost or wrong, no request inside a retry-after window', async () => {
    const home = tempHome();
    const documents = allDocuments.slice(0, 3000);
    server.reset();
    server.configure({
      faultRates: {
        '429': 0.15,
        '500': 0.1,
        '503': 0.05,
        truncated: 0.05,
        wrong_length: 0.05,
        wrong_count: 0.05,
        hang: 0.04,
      },
      stormRetryAfterMs: 400,
    });
    const summary = await run(home.dir, documents, {
      maxInputsPerRequest: 50,
      concurrency: 6,
      timeoutMs: 400,
      maxAttempts: 12,
    } as Partial<ProviderSettings>).done;
    server.configure({ faultRates: {} });
    expect(summary).toMatchObject({ state: 'done', embedded: 3000, failed: 0 });
    expect(summary.retries).toBeGreaterThan(5);
    expect(summary.tooManyRequests).toBeGreaterThan(0);
    const violations = server.records.filter((record) => record.insideRetryAfter);
    if (violations.length > 0)
      console.log(
        JSON.stringify(
          server.records
            .filter((record) => Math.abs(record.at - violations[0]!.at) < 1000)
            .map((r) => [r.at - violations[0]!.at, r.status, r.fault, r.insideRetryAfter]),
        ),
      );
    expect(server.stats.insideRetryAfter).toBe(0);
    for (const fault of ['429', '500', 'hang', 'truncated', 'wrong_length'])
      expect(
        server.records.some((record) => record.fault === fault),
        fault,
      ).toBe(true);
    expectStoredExactly(home.dir, documents, summary.providerId);
    home.cleanup();
  });

  it('records an item that keeps failing with its reason, and embeds the rest', async () => {
    const home = tempHome();
    const documents = allDocuments.slice(0, 400);
    const poisoned = documents[137]!;
    server.reset();
    server.configure({
      rejectInputs: new RegExp(poisoned.text.split('\n')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$', 'm'),
    });
    const summary = await run(home.dir, documents, {
      maxInputsPerRequest: 100,
      concurrency: 2,
    } as Partial<ProviderSettings>).done;
    server.configure({ rejectInputs: null });
    expect(summary).toMatchObject({ state: 'done', embedded: 399, failed: 1 });
    expect(summary.failures).toEqual([{ itemId: poisoned.id, reason: expect.stringContaining('flagged') }]);
    home.cleanup();
  });

  it('stops at once on a refused API key', async () => {
    server.reset();
    server.configure({ apiKey: 'the-right-key' });
    const home = tempHome();
    const summary = await run(home.dir, allDocuments.slice(0, 500), {
      apiKey: 'wrong-key',
      maxInputsPerRequest: 50,
    } as Partial<ProviderSettings>).done;
    server.configure({ apiKey: null });
    expect(summary.state).toBe('failed');
    expect(summary.error).toMatchObject({ kind: 'auth' });
    expect(JSON.stringify(summary)).not.toContain('wrong-key');
    expect(server.stats.requests).toBeLessThanOrEqual(8);
    home.cleanup();
  });

  it(
    're-embeds only what changed: an unchanged schema sends nothing, an altered table only its items',
    { timeout: 180_000 },
    async () => {
      const home = tempHome();
      server.reset();
      const first = await run(home.dir, allDocuments, {}).done;
      expect(first.embedded).toBe(10_200);
      server.reset();
      const again = await run(home.dir, allDocuments, {}).done;
      expect(again).toMatchObject({ embedded: 0, reused: 10_200, requests: 0 });
      expect(server.stats.requests).toBe(0);
      const target = snapshot.tables[41]!.name;
      const altered = buildDocuments({
        tables: snapshot.tables.map((table) =>
          table.name === target
            ? {
                ...table,
                columns: table.columns.map((column, index) =>
                  index === 5 ? { ...column, name: 'renamed_col' } : column,
                ),
              }
            : table,
        ),
      });
      server.reset();
      const third = await run(home.dir, altered, {}).done;
      expect(third).toMatchObject({ embedded: 2, reused: 10_198, requests: 1 });
      expect(server.stats.inputs).toBe(2);
      home.cleanup();
    },
  );

  it('pauses, resumes and cancels; a cancelled run resumes without asking again for what it stored', async () => {
    const home = tempHome();
    server.reset();
    server.configure({ latencyMs: 150 });
    let progressEvents = 0;
    let firstBatchStored!: () => void;
    const started = new Promise<void>((resolve) => (firstBatchStored = resolve));
    const job = run(
      home.dir,
      allDocuments,
      { maxInputsPerRequest: 200, concurrency: 2 } as Partial<ProviderSettings>,
      (event) => {
        if (event.type !== 'progress') return;
        progressEvents += 1;
        if (event.progress.embedded > 0) firstBatchStored();
      },
    );
    await started;
    job.pause();
    await new Promise((resolve) => setTimeout(resolve, 500)); // requests in flight finish; no new one starts
    const pausedAt = server.stats.requests;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.stats.requests).toBe(pausedAt);
    expect(job.latest()?.state).toBe('paused');
    job.resume();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.stats.requests).toBeGreaterThan(pausedAt);
    job.cancel();
    const cancelled = await job.done;
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.embedded).toBeGreaterThan(0);
    expect(progressEvents).toBeGreaterThan(3);
    server.configure({ latencyMs: 5 });
    const resumed = await run(home.dir, allDocuments, {
      maxInputsPerRequest: 200,
      concurrency: 2,
    } as Partial<ProviderSettings>).done;
    expect(resumed.state).toBe('done');
    expect(resumed.reused).toBeGreaterThanOrEqual(cancelled.embedded);
    expect(server.stats.inputsSent).toBeLessThanOrEqual(10_200 * 1.05);
    expectStoredExactly(home.dir, allDocuments, resumed.providerId);
    home.cleanup();
  });
});

export type { IndexSummary };
