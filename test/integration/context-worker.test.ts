import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { ContextService } from '../../electron/engine/ask/context-service.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';
import { EmbeddingCache } from '../../electron/engine/search/embedding-cache.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';
import { VectorIndex } from '../../electron/engine/search/vector-index.ts';
import { itemId } from '../../electron/engine/search/embedding-documents.ts';

describe('preparing a large snapshot in the context worker', () => {
  const home = tempHome();
  const engine = createEngine({ home: home.dir, mode: 'web' });
  afterAll(async () => {
    await engine.close();
    home.cleanup();
  });

  it('gives exactly the context that preparing in place gives, once per snapshot even for concurrent questions', async () => {
    const { id } = engine.sources.add({ name: 'w200', url: `sqlite:${workloadSqliteFile('w200')}` });
    await engine.sources.refresh(id);
    const questions = ['refund amounts by country', 'invoice date and status', 'employees per department'];
    // Concurrent first questions share one preparation (in the worker: W200 has 10,000 columns).
    const viaWorker = await Promise.all(
      questions.map((question) => engine.contexts.build({ sourceId: id, question, budget: 3000 })),
    );
    expect(engine.contexts.cacheStats()).toMatchObject({ size: 1, misses: 1, inWorker: 1 });
    const inPlace = new ContextService({ catalog: engine.catalog, sources: engine.sources, indexes: engine.indexes });
    for (const [index, question] of questions.entries()) {
      const expected = await inPlace.build({ sourceId: id, question, budget: 3000 });
      expect(viaWorker[index]!.text).toBe(expected.text);
      expect(viaWorker[index]!.tokens).toBe(expected.tokens);
    }
    expect(viaWorker[0]!.tables.length).toBeGreaterThan(3);
  });
});

describe('loading a vector index in the worker', () => {
  const home = tempHome();
  const engine = createEngine({ home: home.dir, mode: 'web' });
  afterAll(async () => {
    await engine.close();
    home.cleanup();
  });

  it('finds exactly what an index loaded in place finds, loading once for concurrent searches', async () => {
    const { id } = engine.sources.add({ name: 'w200', url: `sqlite:${workloadSqliteFile('w200')}` });
    await engine.sources.refresh(id);
    const { job } = await engine.indexes.start(id, { provider: 'local' });
    expect((await job.done).state).toBe('done');
    const questions = ['refund amount', 'invoice status code', 'employee email address'];
    const fromWorker = await Promise.all(questions.map((question) => engine.indexes.search(id, question, 10)));
    expect(engine.indexes.memory()).toHaveLength(1);
    expect(engine.indexes.loadedInWorker).toBe(1);
    const cache = new EmbeddingCache(EmbeddingCache.file(home.dir), { readonly: true });
    try {
      const providerId = fromWorker[0]!.providerId;
      const inPlace = VectorIndex.load(cache, id, providerId)!;
      const provider = new LocalEmbeddingProvider({ dimensions: Number(providerId.split(':').pop()) });
      for (const [index, question] of questions.entries()) {
        const expected = inPlace.search(provider.embedOne(question), 10).map((hit) => hit.item.itemId);
        expect(fromWorker[index]!.results.map((hit) => itemId(hit.schema, hit.table, hit.column))).toEqual(expected);
      }
    } finally {
      cache.close();
    }
  });
});
