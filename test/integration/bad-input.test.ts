import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoSource } from '../../electron/engine/app/demo-source.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { BAD_INPUT } from '../corpus/bad-input.ts';
import { engineFixture } from '../helpers/engine-fixture.ts';

describe('the bad-input corpus', () => {
  const fixture = engineFixture();
  const { sourceId, file } = ensureDemoSource(fixture.engine);
  const demoHash = createHash('sha256').update(readFileSync(file)).digest('hex');
  afterAll(() => fixture.close());

  it('has at least 50 cases in every family', () => {
    expect(BAD_INPUT.length).toBeGreaterThanOrEqual(50);
    expect(new Set(BAD_INPUT.map((entry) => entry.family))).toEqual(
      new Set(['connection URL', 'SQL', 'IPC payload', 'settings', 'identifier']),
    );
  });

  it.each(BAD_INPUT.map((entry, index) => [index, entry.family, entry.channel, entry] as const))(
    '#%i %s on %s gets a clear error',
    async (_index, _family, channel, entry) => {
      const payload = JSON.parse(JSON.stringify(entry.payload).replaceAll('"DEMO"', JSON.stringify(sourceId)));
      const envelope = await dispatch(fixture.engine.handlers, channel, payload);
      expect(envelope.ok, JSON.stringify(envelope)).toBe(false);
      if (envelope.ok) return;
      expect(envelope.error.kind).toBe(entry.kind);
      expect(envelope.error.message.length).toBeGreaterThan(5);
      expect(envelope.error.message.length).toBeLessThan(2_000);
      if (entry.says) expect(envelope.error.message.toLowerCase()).toContain(entry.says.toLowerCase());
    },
  );

  it('left nothing corrupted: the demo file is unchanged, the catalog passes integrity_check, the engine still answers', async () => {
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(demoHash);
    expect(fixture.engine.catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect({} as Record<string, unknown>).not.toHaveProperty('polluted');
    const ok = await dispatch(fixture.engine.handlers, 'query/execute', {
      sourceId,
      sql: 'SELECT count(*) FROM sls_cust',
    });
    expect(ok).toMatchObject({ ok: true, value: { rows: [[300]] } });
  });
});
