import { readdirSync, readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { JobLockStore, STALE_AFTER_MS } from '../../electron/engine/catalog/job-lock-store.ts';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

/**
 * One data folder, several processes: an index job is owned by one process at a time (a lock in the catalog), the
 * other waits with the owner's progress, nothing is embedded twice, and a dead owner (kill -9) is noticed.
 */
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/schemascope.mjs');
const ITEMS = 10_200; // W200: 200 tables + 10,000 columns
const server = new FakeOpenAiServer({ latencyMs: 150 });
const url = `sqlite:${workloadSqliteFile('w200')}`;

beforeAll(() => server.start());
afterAll(() => server.stop());

const indexArgs = (home: string) => [
  'index',
  url,
  '--provider',
  'openai',
  '--base-url',
  server.url,
  '--api-key',
  'k',
  '--dimensions',
  '64',
  '--concurrency',
  '2',
  '--max-inputs',
  '100',
  '--json',
  '--home',
  home,
];

interface Running {
  readonly child: ChildProcess;
  stderr: string;
  stdout: string;
  readonly exit: Promise<number | string>;
  /** Resolves when stderr has matched the pattern. */
  until(pattern: RegExp): Promise<void>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const running: Running = {
    child,
    stderr: '',
    stdout: '',
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1))),
    until: (pattern) =>
      pattern.test(running.stderr) ? Promise.resolve() : new Promise((resolve) => waiting.push({ pattern, resolve })),
  };
  child.stdout!.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    running.stderr += chunk.toString();
    for (const wait of waiting.splice(0))
      (wait.pattern.test(running.stderr) ? wait.resolve : () => waiting.push(wait))();
  });
  return running;
}

describe('one data folder, several processes', () => {
  it('CLI + CLI: the second waits with the owner’s progress, then reuses every vector; no input is sent twice', async () => {
    const home = tempHome();
    server.reset();
    const owner = start(indexArgs(home.dir));
    await owner.until(/indexing [1-9]\d*\/10200/);
    const second = start(indexArgs(home.dir));
    await second.until(/Indexing in another process/);
    expect(second.stderr).toContain(`pid ${owner.child.pid}`);
    expect(second.stderr).toMatch(/Waiting for it/);
    // Readers keep working while the writer writes: browsing and context answer at once from the catalog; a search,
    // which needs the index, waits for the owner's and uses it.
    const context = await runCli(['context', url, 'customer orders', '--offline', '--json', '--home', home.dir]);
    expect(context.code, context.stderr).toBe(0);
    const search = await runCli(['search', url, 'customer orders', '--json', '--home', home.dir]);
    expect(search.code, search.stderr).toBe(0);
    expect(search.json<{ providerId: string }>().providerId).toMatch(/^openai:/);

    expect(await owner.exit).toBe(0);
    expect(await second.exit).toBe(0);
    const summary = JSON.parse(second.stdout) as { embedded: number; reused: number; items: number };
    expect(summary).toMatchObject({ items: ITEMS, embedded: 0, reused: ITEMS });
    // Every item once; besides them only the questions of the context and the search above are embedded.
    expect(server.stats.inputsSent).toBeGreaterThanOrEqual(ITEMS);
    expect(server.stats.inputsSent).toBeLessThanOrEqual(ITEMS + 2);
    // The run prepared the first search: the compact vector copy is on disk for every later process.
    // (The search above waited for the owner's index and used it: no second, built-in index was made.)
    const headers = readdirSync(path.join(home.dir, 'compact-vectors')).map((name) =>
      readFileSync(path.join(home.dir, 'compact-vectors', name))
        .subarray(8, 300)
        .toString('latin1'),
    );
    expect(headers).toHaveLength(1);
    expect(headers[0]).toContain('"dimensions":64,');
    home.cleanup();
  });

  it('kill -9 of the owner: the waiting process notices, takes the job over and sends only what was not stored', async () => {
    const home = tempHome();
    server.reset();
    const owner = start(indexArgs(home.dir));
    await owner.until(/indexing [1-9]\d*\/10200/);
    const second = start(indexArgs(home.dir));
    await second.until(/Indexing in another process/);
    owner.child.kill('SIGKILL');
    expect(await owner.exit).toBe('SIGKILL');
    expect(await second.exit).toBe(0);
    const summary = JSON.parse(second.stdout) as { embedded: number; reused: number; items: number; failed: number };
    expect(summary.items).toBe(ITEMS);
    expect(summary.failed).toBe(0);
    expect(summary.reused).toBeGreaterThan(0);
    expect(summary.embedded + summary.reused).toBe(ITEMS);
    // At most the owner's requests in flight when it died (concurrency 2 x 100 inputs) are sent again.
    expect(server.stats.inputsSent).toBeLessThanOrEqual(ITEMS + 2 * 100);
    home.cleanup();
  });

  it('app (engine in this process) + CLI: the CLI waits for the app’s job; index/status in another engine names the owner', async () => {
    const home = tempHome();
    server.reset();
    const app = createEngine({ home: home.dir, mode: 'web' });
    try {
      const added = await dispatch(app.handlers, 'sources/add', { name: 'w200', url });
      expect(added.ok).toBe(true);
      const sourceId = (added as { value: { id: string } }).value.id;
      const started = await dispatch(app.handlers, 'index/start', {
        sourceId,
        settings: {
          provider: 'openai',
          baseUrl: server.url,
          apiKey: 'k',
          dimensions: 64,
          concurrency: 2,
          maxInputsPerRequest: 100,
        },
      });
      expect(started.ok).toBe(true);

      const reader = createEngine({ home: home.dir, mode: 'cli' });
      try {
        await expect
          .poll(
            async () => {
              const status = await dispatch(reader.handlers, 'index/status', { sourceId });
              return status.ok ? (status.value as { owner: { pid: number } | null }).owner?.pid : undefined;
            },
            { timeout: 10_000 },
          )
          .toBe(process.pid);
        const refused = await dispatch(reader.handlers, 'index/start', { sourceId, settings: { provider: 'local' } });
        expect(refused).toMatchObject({
          ok: false,
          error: { kind: 'not_available', message: expect.stringContaining('Indexing in another process') },
        });
      } finally {
        await reader.close();
      }

      const cli = await runCli(indexArgs(home.dir));
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).toMatch(/Indexing in another process .*Waiting for it/);
      expect(cli.json()).toMatchObject({ items: ITEMS, embedded: 0, reused: ITEMS });
      expect(server.stats.inputsSent).toBe(ITEMS);
    } finally {
      await app.close();
      home.cleanup();
    }
  });

  it('a lock whose owner is silent past the staleness window is taken over even when its pid lives', () => {
    const home = tempHome();
    const catalog = new CatalogStore(CatalogStore.file(home.dir));
    try {
      let now = 1_000_000;
      const locks = new JobLockStore(catalog, () => now);
      const first = locks.acquire('index', 's');
      expect('token' in first).toBe(true);
      expect(locks.acquire('index', 's')).toMatchObject({ holder: { pid: process.pid } });
      now += STALE_AFTER_MS + 1;
      const second = locks.acquire('index', 's');
      expect('token' in second).toBe(true);
      // The first owner learns that it lost the lock at its next heartbeat.
      expect(locks.heartbeat('index', 's', (first as { token: string }).token, { done: 1 })).toBe(false);
      expect(locks.heartbeat('index', 's', (second as { token: string }).token, { done: 2 })).toBe(true);
      expect(locks.holder('index', 's')).toMatchObject({ progress: { done: 2 } });
    } finally {
      catalog.close();
      home.cleanup();
    }
  });
});
