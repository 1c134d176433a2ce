import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingCache, vectorKey } from '../../electron/engine/search/embedding-cache.ts';
import { buildDocuments } from '../../electron/engine/search/embedding-documents.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/schemascope.mjs');
const server = new FakeOpenAiServer({ latencyMs: 80 });
const db = openSqlite(workloadSqliteFile('w200'), { readonly: true });
const documents = buildDocuments(introspectSqlite(db, 'w200').snapshot);
db.close();

beforeAll(() => server.start());
afterAll(() => server.stop());

function indexArgs(home: string): string[] {
  return [
    'index',
    `sqlite:${workloadSqliteFile('w200')}`,
    '--provider',
    'openai',
    '--base-url',
    server.url,
    '--api-key',
    'k',
    '--dimensions',
    '256',
    '--concurrency',
    '2',
    '--max-inputs',
    '200',
    '--json',
    '--home',
    home,
  ];
}

/** Starts `schemascope index` and kill -9s it at a random point after its first stored batch. */
function indexAndKill(home: string, extraDelayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...indexArgs(home)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      if (!killed && /indexing [1-9]\d*\/10200/.test(chunk.toString())) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve()
        : reject(new Error(`index finished before it could be killed (${signal ?? _code})`)),
    );
  });
}

describe('kill -9 during indexing', () => {
  it.each([0, 250, 700])(
    'resumes after a kill at +%i ms: nothing stored is asked for again, the cache is intact, vectors equal a clean run',
    async (delay) => {
      const home = tempHome();
      server.reset();
      await indexAndKill(home.dir, delay);
      const sentBeforeCrash = server.stats.inputsSent;
      expect(sentBeforeCrash).toBeGreaterThan(0);
      expect(sentBeforeCrash).toBeLessThan(10_200);

      const resumed = await runCli(indexArgs(home.dir));
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = resumed.json<{
        embedded: number;
        reused: number;
        failed: number;
        items: number;
        provider: string;
      }>();
      expect(summary.items).toBe(10_200);
      expect(summary.failed).toBe(0);
      expect(summary.reused).toBeGreaterThan(0);
      expect(summary.embedded + summary.reused).toBe(10_200);
      expect(server.stats.inputsSent).toBeLessThanOrEqual(10_200 * 1.05);

      const cache = new EmbeddingCache(EmbeddingCache.file(home.dir), { readonly: true });
      expect(cache.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const vectors = cache.getVectors(documents.map((document) => vectorKey(summary.provider, document.hash)));
      expect(vectors.size).toBe(new Set(documents.map((document) => document.hash)).size);
      for (const document of documents.slice(0, 2000))
        expect(Array.from(vectors.get(vectorKey(summary.provider, document.hash))!)).toEqual(
          Array.from(server.vectorFor(document.text, 256)),
        );
      cache.close();
      const catalog = openSqlite(path.join(home.dir, 'catalog.db'), { readonly: true });
      expect(catalog.pragma('integrity_check', { simple: true })).toBe('ok');
      catalog.close();
      home.cleanup();
    },
  );
});
