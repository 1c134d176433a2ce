import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../electron/engine/platform/event-hub.ts';
import { ensureDemoSource } from '../../electron/engine/app/demo-source.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { engineFixture } from '../helpers/engine-fixture.ts';

describe('indexing and search through the handler table', () => {
  const fixture = engineFixture();
  const { engine } = fixture;
  const { sourceId } = ensureDemoSource(engine);
  const events: EngineEvent[] = [];
  engine.events.subscribe((event) => events.push(event));
  afterAll(() => fixture.close());

  it('indexes the demo database with the local provider, reporting progress as events', async () => {
    const started = await dispatch(engine.handlers, 'index/start', { sourceId, settings: { provider: 'local' } });
    expect(started).toMatchObject({ ok: true, value: { tables: expect.any(Number), columns: expect.any(Number) } });
    const again = await dispatch(engine.handlers, 'index/start', { sourceId, settings: { provider: 'local' } });
    expect(again).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: expect.stringContaining('already being indexed') },
    });
    await expect
      .poll(
        () => events.some((event) => event.channel === 'index/progress' && event.payload.progress.state === 'done'),
        { timeout: 30_000 },
      )
      .toBe(true);
    const progress = events
      .filter((event) => event.channel === 'index/progress')
      .map((event) => (event.payload as { progress: { done: number; total: number } }).progress);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    const status = await dispatch(engine.handlers, 'index/status', { sourceId });
    expect(status).toMatchObject({
      ok: true,
      value: { running: false, summary: { state: 'done', failed: 0, providerId: expect.stringMatching(/^local:/) } },
    });
  });

  it('finds tables and columns by meaning, without touching the database', async () => {
    const answer = await engine.handlers['search/query']({ sourceId, text: 'annual base salary', k: 10 }, {});
    expect(answer.results.slice(0, 3).map((result) => `${result.table}.${result.column}`)).toContain(
      'hr_comp_hist.base_sal_amt',
    );
    expect(answer.results[0]!.score).toBeGreaterThan(answer.results.at(-1)!.score);
  });

  it('answers bad requests with clear errors', async () => {
    expect(await dispatch(engine.handlers, 'search/query', { sourceId, text: '   ' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input' },
    });
    expect(await dispatch(engine.handlers, 'index/start', { sourceId, settings: { provider: 'magic' } })).toMatchObject(
      { ok: false, error: { kind: 'invalid_input' } },
    );
    expect(
      await dispatch(engine.handlers, 'index/start', {
        sourceId,
        settings: { provider: 'openai', baseUrl: 'not a url' },
      }),
    ).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await dispatch(engine.handlers, 'index/pause', { sourceId })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
    expect(await dispatch(engine.handlers, 'search/query', { sourceId: 'no-such-source', text: 'x' })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });
});
