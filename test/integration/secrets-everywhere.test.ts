import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { EncryptedFileSecretStore } from '../../electron/engine/sources/secret-store.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MARIADB } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { testCipher } from '../helpers/test-cipher.ts';

const DB_PASSWORD = 'Db-Pa55-7f3e9c1d';
const LLM_KEY = 'sk-llm-5e8a1f0c9d2b7a64';
const EMBEDDING_KEY = 'sk-emb-0b9c8d7e6f5a4b3c';
const SECRETS = [DB_PASSWORD, LLM_KEY, EMBEDDING_KEY];

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) =>
    statSync(path.join(dir, entry)).isDirectory() ? everyFile(path.join(dir, entry)) : [path.join(dir, entry)],
  );
}

function expectNoSecret(where: string, text: string | Buffer): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
}

/**
 * A full run with a password, an LLM key and an embedding key in use: connect, query, fail a login, index through the
 * API, ask the model, export metrics. Then every place a secret could leak is searched: files on disk, what the
 * renderer receives, error messages, metrics snapshots (channel and CLI export), and everything written to the console.
 */
describe('secrets after a full run', () => {
  const home = tempHome();
  const logs: string[] = [];
  const fake = new FakeOpenAiServer({ latencyMs: 5, apiKey: EMBEDDING_KEY });
  const chat = new FakeOpenAiServer({ latencyMs: 5, apiKey: LLM_KEY, chat: () => '```sql\nSELECT 1 AS one\n```' });
  const originals = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const rendererSaw: string[] = [];

  beforeAll(async () => {
    const admin = await mysql.createConnection({ ...MARIADB });
    await admin.query(`CREATE USER IF NOT EXISTS 'ss_secret_user'@'%' IDENTIFIED BY '${DB_PASSWORD}'`);
    await admin.query(`ALTER USER 'ss_secret_user'@'%' IDENTIFIED BY '${DB_PASSWORD}'`);
    await admin.query(`GRANT SELECT ON ss_w200.* TO 'ss_secret_user'@'%'`);
    await admin.end();
    await fake.start();
    await chat.start();
    for (const level of ['log', 'warn', 'error', 'info'] as const) {
      console[level] = (...args: unknown[]) => {
        logs.push(args.map(String).join(' '));
        originals[level](...args);
      };
    }
  });

  afterAll(async () => {
    Object.assign(console, originals);
    await fake.stop();
    await chat.stop();
    home.cleanup();
  });

  it('never shows one anywhere', async () => {
    const secrets = new EncryptedFileSecretStore(path.join(home.dir, 'secrets.json'), testCipher());
    const engine = createEngine({ home: home.dir, mode: 'electron', secrets });
    const call = async (channel: Parameters<typeof dispatch>[1], payload: unknown) => {
      const envelope = await dispatch(engine.handlers, channel, payload);
      rendererSaw.push(JSON.stringify(envelope));
      return envelope;
    };
    try {
      const added = await call('sources/add', {
        name: 'warehouse',
        url: `mysql://ss_secret_user:${DB_PASSWORD}@${MARIADB.host}:${MARIADB.port}/ss_w200`,
      });
      expect(added.ok).toBe(true);
      const sourceId = (added as { ok: true; value: { id: string } }).value.id;
      expect((await call('query/execute', { sourceId, sql: 'SELECT 1 AS one' })).ok).toBe(true);
      // A failed login: the message names the problem, not the password.
      const wrong = await call('sources/test', {
        url: `mysql://ss_secret_user:${DB_PASSWORD}-wrong@${MARIADB.host}:${MARIADB.port}/ss_w200`,
      });
      expect(wrong.ok).toBe(false);
      const indexed = await call('index/start', {
        sourceId,
        settings: {
          provider: 'openai',
          baseUrl: fake.url,
          apiKey: EMBEDDING_KEY,
          model: 'text-embedding-3-small',
          dimensions: 64,
        },
      });
      expect(indexed.ok, JSON.stringify(indexed)).toBe(true);
      await engine.indexes.job(sourceId).done;
      expect((await call('search/query', { sourceId, text: 'customer orders' })).ok).toBe(true);
      expect(
        (await call('settings/set', { llm: { baseUrl: chat.url, model: 'gpt-4o-mini', apiKey: LLM_KEY } })).ok,
      ).toBe(true);
      const asked = await call('ask/start', { askId: 'a1', sourceId, question: 'one', run: true });
      expect(asked.ok, JSON.stringify(asked)).toBe(true);
      expect(JSON.stringify(asked)).toContain('"rows":[[1]]');
      await call('settings/get', {});
      await call('sources/list', {});
      const metrics = await call('metrics/snapshot', {});
      expect(metrics.ok).toBe(true);
      expect(JSON.stringify(metrics)).toContain('embedding.request_ms');
      expect(JSON.stringify(metrics)).toContain('llm.request_ms');
    } finally {
      await engine.close();
    }
    const exported = path.join(home.dir, 'metrics-export.json');
    const stats = await runCli(['stats', '--out', exported, '--json', '--home', home.dir]);
    expect(stats.code, stats.stderr).toBe(0);

    for (const text of rendererSaw) expectNoSecret('an IPC answer', text);
    for (const line of logs) expectNoSecret('the console', line);
    expectNoSecret('stats stdout', stats.stdout);
    expectNoSecret('stats stderr', stats.stderr);
    for (const file of everyFile(home.dir)) expectNoSecret(file, readFileSync(file));
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toHaveProperty('registry.counters');
    // The keys did work (they were sent where they belong).
    expect(fake.records.some((record) => record.path === '/v1/embeddings' && record.status === 200)).toBe(true);
    expect(chat.records.some((record) => record.path === '/v1/chat/completions' && record.status === 200)).toBe(true);
  });
});
