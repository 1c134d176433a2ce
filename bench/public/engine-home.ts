import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import { mysqlUrl, postgresUrl } from '../../test/helpers/services.ts';
import { CACHE_DIR, hashFiles, sourceFiles } from './datasets.ts';
import type { LoadedDatabases, PublicEngine } from './ensure-databases.ts';
import { PUBLIC_DATABASE } from './load-postgres.ts';

const HOME = path.join(CACHE_DIR, 'home');
const MARKER_FILE = path.join(CACHE_DIR, 'home.marker.json');

/** The product code whose output is stored in the data folder (snapshots, vectors): a change to it rebuilds. */
const STORED_BY = ['electron/engine/sources', 'electron/engine/catalog', 'electron/engine/search', 'shared'];

interface HomeMarker {
  readonly hash: string;
  /** Engines whose source was introspected and indexed completely under this hash. */
  readonly ready: PublicEngine[];
}

export interface PublicHome {
  readonly engine: Engine;
  readonly sourceIds: ReadonlyMap<PublicEngine, string>;
  /** Engines whose stored snapshot and index were reused as they were. */
  readonly reused: readonly PublicEngine[];
  readonly ms: number;
  /** The data folder, and each source's URL (what the CLI is given). */
  readonly dir: string;
  readonly urls: ReadonlyMap<PublicEngine, string>;
}

function sourceUrl(engine: PublicEngine, loaded: LoadedDatabases): string {
  if (engine === 'postgres') return postgresUrl(PUBLIC_DATABASE);
  if (engine === 'mysql') return mysqlUrl(PUBLIC_DATABASE);
  return `sqlite:${loaded.sqlite!.file}`;
}

/**
 * An engine on `.cache/public/home` with one source per public database, introspected and indexed with the built-in
 * local provider. The data folder is reused as is while the loaded data and the product code that produced its
 * snapshots and vectors (sources, catalog, embeddings, shared) are unchanged; otherwise it is started afresh.
 * Retrieval and packing code is not part of the key: it runs on every call.
 */
export async function openPublicHome(
  loaded: LoadedDatabases,
  engines: readonly PublicEngine[],
  log: (line: string) => void,
): Promise<PublicHome> {
  const started = performance.now();
  const hash = hashFiles(sourceFiles(...STORED_BY), [loaded.hash, PUBLIC_DATABASE]);
  let marker: HomeMarker = { hash, ready: [] };
  if (existsSync(MARKER_FILE)) {
    const stored = JSON.parse(readFileSync(MARKER_FILE, 'utf8')) as HomeMarker;
    if (stored.hash === hash && existsSync(HOME)) marker = stored;
  }
  if (marker.ready.length === 0) {
    rmSync(HOME, { recursive: true, force: true });
    rmSync(MARKER_FILE, { force: true });
  }
  mkdirSync(HOME, { recursive: true });
  const engine = createEngine({ home: HOME, mode: 'web' });
  const sourceIds = new Map<PublicEngine, string>();
  const reused: PublicEngine[] = [];
  try {
    for (const name of engines) {
      const id = `sspub-${name}`;
      sourceIds.set(name, id);
      if (marker.ready.includes(name) && engine.catalog.latestSnapshot(id)) {
        reused.push(name);
        continue;
      }
      engine.sources.add({ id, name: id, url: sourceUrl(name, loaded) });
      log(`${name}: introspecting and indexing with the built-in local provider`);
      await engine.sources.refresh(id);
      const { job } = await engine.indexes.start(id, { provider: 'local' });
      const summary = await job.done;
      if (summary.state !== 'done' || summary.failed > 0)
        throw new Error(
          `Indexing ${id} ended ${summary.state} with ${summary.failed} failures${summary.error ? `: ${summary.error.message}` : ''}.`,
        );
      marker = { hash, ready: [...marker.ready.filter((ready) => ready !== name), name] };
      writeFileSync(MARKER_FILE, JSON.stringify(marker));
    }
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    engine,
    sourceIds,
    reused,
    ms: performance.now() - started,
    dir: HOME,
    urls: new Map(engines.map((name) => [name, sourceUrl(name, loaded)])),
  };
}
