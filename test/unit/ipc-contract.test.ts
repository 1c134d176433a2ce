import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '../../shared/ipc-channels.ts';
import { contract, eventContract } from '../../shared/ipc-contract.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import type { HandlerTable } from '../../electron/engine/app/handler-table.ts';

const echoHandlers = new Proxy({} as HandlerTable, {
  get: (_target, channel) => async (request: unknown) => {
    if (channel === 'query/cancel')
      throw Object.assign(new Error('should be data'), { kind: 'pool_busy', message: 'Pool busy: try later' });
    return { channel, request };
  },
});

describe('the IPC contract', () => {
  it('lists exactly the contract channels, named area/verb', () => {
    expect([...REQUEST_CHANNELS].sort()).toEqual(Object.keys(contract).sort());
    expect([...EVENT_CHANNELS].sort()).toEqual(Object.keys(eventContract).sort());
    for (const channel of [...REQUEST_CHANNELS, ...EVENT_CHANNELS]) expect(channel).toMatch(/^[a-z]+\/[a-z][a-zA-Z]*$/);
  });

  it('refuses unknown channels as data, without throwing', async () => {
    const envelope = await dispatch(echoHandlers, 'fs/readFile', { path: '/etc/passwd' });
    expect(envelope).toEqual({
      ok: false,
      error: { kind: 'invalid_input', message: 'Unknown channel "fs/readFile".' },
    });
    expect((await dispatch(echoHandlers, 42, {})).ok).toBe(false);
    expect((await dispatch(echoHandlers, '__proto__', {})).ok).toBe(false);
  });

  it('validates payloads and names the faulty field', async () => {
    const missing = await dispatch(echoHandlers, 'query/execute', { sql: 'select 1' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.kind).toBe('invalid_input');
      expect(missing.error.message).toContain('sourceId');
    }
    const extra = await dispatch(echoHandlers, 'sources/list', { admin: true });
    expect(extra.ok).toBe(false);
    const wrongType = await dispatch(echoHandlers, 'query/execute', { sourceId: 'x', sql: 'select 1', limit: -5 });
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.error.message).toContain('limit');
  });

  it('passes valid payloads through and serializes handler errors with their kind', async () => {
    const ok = await dispatch(echoHandlers, 'schema/tables', { sourceId: 'demo' });
    expect(ok).toEqual({ ok: true, value: { channel: 'schema/tables', request: { sourceId: 'demo' } } });
    const failed = await dispatch(echoHandlers, 'query/cancel', { queryId: 'q1' });
    expect(failed).toEqual({ ok: false, error: { kind: 'pool_busy', message: 'Pool busy: try later' } });
  });
});

describe('engine events reaching the renderer', () => {
  it('are checked against the contract: typed by channel, anything else dropped', async () => {
    const { parseEngineEvent } = await import('../../shared/ipc-contract.ts');
    const progress = {
      jobId: 'j',
      state: 'running',
      total: 2,
      done: 1,
      embedded: 1,
      reused: 0,
      failed: 0,
      requests: 1,
      tooManyRequests: 0,
      retries: 0,
      itemsPerSecond: 5,
      etaSeconds: 1,
      elapsedMs: 10,
    };
    const event = parseEngineEvent({ channel: 'index/progress', payload: { sourceId: 's', progress } });
    expect(event?.channel).toBe('index/progress');
    if (event?.channel === 'index/progress') expect(event.payload.progress.done).toBe(1); // typed, no cast
    expect(parseEngineEvent({ channel: 'ask/delta', payload: { askId: 'a', text: 'SELECT' } })).toEqual({
      channel: 'ask/delta',
      payload: { askId: 'a', text: 'SELECT' },
    });
    for (const bad of [
      null,
      'x',
      {},
      { channel: 'constructor', payload: {} },
      { channel: '__proto__', payload: {} },
      { channel: 'ask/delta', payload: { askId: 'a' } },
      { channel: 'index/progress', payload: { sourceId: 's' } },
    ]) {
      expect(parseEngineEvent(bad)).toBeNull();
    }
  });
});
