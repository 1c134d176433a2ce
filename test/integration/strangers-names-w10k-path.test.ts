import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { ProcessRpc } from '../../electron/engine/platform/process-rpc.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import type { RefreshResult } from '../../electron/engine/sources/source-refresher.ts';
import type { IndexProgress } from '../../electron/engine/search/indexer-protocol.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';

/**
 * Names from strangers through the large-schema path: the refresh process, the indexer that prepares questions and
 * keeps its texts on disk, the packed item ids of the vector index (loaded in the context worker), the prepared
 * snapshot read by another engine, and the CLI.
 */
const home = tempHome('strangers-w10k-path-');
afterAll(home.cleanup);
const file = path.join(home.dir, 'strangers.sqlite');
const TABLES = ['constructor', '__proto__', 'toString', 'select', 'a.b', 'größe'];
const COLUMNS = ['constructor', '__proto__', 'toString', 'select', 'a.b', 'größe'];
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
{
  const db = openSqlite(file);
  for (const table of TABLES)
    db.exec(`CREATE TABLE ${quoted(table)} (${COLUMNS.map((column) => `${quoted(column)} TEXT`).join(', ')})`);
  db.close();
}
const url = `sqlite:${file}`;
const everyItem = TABLES.flatMap((table) => [
  ['main', table, null],
  ...COLUMNS.map((column) => ['main', table, column]),
]).sort();

describe('names from strangers on the large-schema path', () => {
  it('the refresh process stores them exactly', async () => {
    const engine = createEngine({ home: home.dir, mode: 'web' });
    const { id } = engine.sources.add({ name: 'strangers', url });
    await engine.close();
    const rpc = new ProcessRpc('refresh-worker', new URL('../../electron/engine/sources/', import.meta.url).href, 'x');
    try {
      const result = await rpc.call<RefreshResult>({
        catalogFile: CatalogStore.file(home.dir),
        sourceId: id,
        spec: parseConnectionUrl(url, process.cwd()),
        settings: resolvePoolSettings(),
      });
      const catalog = new CatalogStore(CatalogStore.file(home.dir), { readonly: true });
      const snapshot = catalog.loadSnapshot(result.snapshot.id);
      catalog.close();
      expect(snapshot.tables.map((table) => table.name).sort()).toEqual([...TABLES].sort());
      for (const table of snapshot.tables) expect(table.columns.map((column) => column.name)).toEqual(COLUMNS);
    } finally {
      await rpc.close();
    }
  }, 60_000);

  it('index (reading the schema first), search, context, and another engine on the folder keep them whole', async () => {
    const engine = createEngine({ home: home.dir, mode: 'web' });
    const sourceId = engine.sources.list().find((source) => source.name === 'strangers')!.id;
    const progress: IndexProgress[] = [];
    const stop = engine.events.subscribe((event) => {
      if (event.channel === 'index/progress' && event.payload.sourceId === sourceId)
        progress.push(event.payload.progress);
    });
    try {
      const { job } = await engine.indexes.start(sourceId, { provider: 'local' });
      expect((await job.done).state).toBe('done');
      // The UI shows "reading the schema" first (0 of 0 items), then the items.
      expect(progress[0]).toMatchObject({ state: 'running', total: 0 });
      expect(progress.at(-1)).toMatchObject({ state: 'done', total: everyItem.length });

      const found = await engine.handlers['search/query']({ sourceId, text: 'größe constructor select', k: 100 }, {});
      expect(found.results.map((hit) => [hit.schema, hit.table, hit.column]).sort()).toEqual(everyItem);
      const context = await engine.handlers['context/build']({ sourceId, question: 'größe of a.b', budget: 4000 }, {});
      for (const name of TABLES) expect(context.text).toContain(name);
    } finally {
      stop();
      await engine.close();
    }

    const other = createEngine({ home: home.dir, mode: 'web' });
    try {
      const found = await other.handlers['search/query']({ sourceId, text: '__proto__ toString', k: 100 }, {});
      expect(found.results.map((hit) => [hit.schema, hit.table, hit.column]).sort()).toEqual(everyItem);
      await other.handlers['context/build']({ sourceId, question: 'toString', budget: 2000 }, {});
      expect(other.contexts.cacheStats()).toMatchObject({ loaded: 1, inWorker: 0 }); // the indexer's preparation
    } finally {
      await other.close();
    }
  }, 120_000);

  it('the CLI: one JSON object with --json, one line on stderr and a non-zero exit on failure', async () => {
    const cliHome = tempHome('strangers-cli-');
    try {
      const indexed = await runCli(['index', url, '--json', '--home', cliHome.dir]);
      expect(indexed.code, indexed.stderr).toBe(0);
      const parsed = JSON.parse(indexed.stdout) as { items: number; failed: number };
      expect(parsed).toMatchObject({ items: everyItem.length, failed: 0 });
      const searched = await runCli(['search', url, '__proto__', '--json', '--offline', '--home', cliHome.dir]);
      expect(searched.code, searched.stderr).toBe(0);
      const { results } = JSON.parse(searched.stdout) as { results: { table: string }[] };
      expect(results.some((hit) => hit.table === '__proto__')).toBe(true);

      // A server's first refresh goes to the refresh process; unreachable, it fails in one line.
      const failed = await runCli(['index', 'postgres://someone@127.0.0.1:1/nowhere', '--json', '--home', cliHome.dir]);
      expect(failed.code).not.toBe(0);
      expect(failed.stdout).toBe('');
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      cliHome.cleanup();
    }
  }, 120_000);
});
