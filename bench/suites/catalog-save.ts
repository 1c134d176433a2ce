import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { CatalogWriter } from '../../electron/engine/catalog/catalog-writer.ts';
import type { WorkloadName } from '../../test/workloads/workload-schema.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { median } from '../../electron/engine/platform/percentiles.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { tempHome } from '../../test/helpers/temp-home.ts';
import { ensureWorkload, workloadSqliteFile } from '../../test/helpers/workloads.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';

/** Runs `work` while a 5 ms ticker measures the longest gap between its ticks: how long the main thread stalled. */
async function stallDuring(work: () => unknown): Promise<{ ms: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  stall = 0;
  const started = performance.now();
  await work();
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  return { ms: elapsed, stall };
}

/**
 * Saving a schema snapshot into the catalog, in place on the main thread against the catalog writer worker, side by
 * side in alternating runs: the time to save, and the longest stall of the main event loop meanwhile.
 */
export async function catalogSaveSuite(options: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<BenchSection> {
  const workloads: WorkloadName[] = options.quick ? ['w200'] : ['w200', 'w1000'];
  const rows: (string | number)[][] = [];
  for (const workload of workloads) {
    await ensureWorkload(workload, options.log);
    const db = openSqlite(workloadSqliteFile(workload), { readonly: true });
    const { snapshot } = introspectSqlite(db, 'main');
    db.close();
    const results: Record<'inline' | 'worker', { ms: number; stall: number }[]> = { inline: [], worker: [] };
    for (let run = 0; run < 4; run += 1) {
      for (const mode of ['inline', 'worker'] as const) {
        const home = tempHome('schemascope-bench-');
        const catalog = new CatalogStore(CatalogStore.file(home.dir));
        catalog.upsertSource({ id: 's', name: 's', engine: 'sqlite', displayUrl: 'sqlite:x', isDemo: false });
        const writer = new CatalogWriter(catalog, CatalogStore.file(home.dir));
        if (mode === 'worker')
          await writer.saveSnapshot('s', { ...snapshot, tables: snapshot.tables.slice(0, 60) }, { queries: 1, ms: 1 }); // worker started, as in a running app
        results[mode].push(
          await stallDuring(() =>
            mode === 'inline'
              ? catalog.saveSnapshot('s', snapshot, { queries: 1, ms: 1 })
              : writer.saveSnapshot('s', snapshot, { queries: 1, ms: 1 }),
          ),
        );
        await writer.close();
        catalog.close();
        home.cleanup();
      }
    }
    const columns = snapshot.tables.reduce((sum, entry) => sum + entry.columns.length, 0);
    for (const mode of ['inline', 'worker'] as const) {
      rows.push([
        workload.toUpperCase(),
        columns.toLocaleString('en-US'),
        mode === 'inline' ? 'in place (main thread)' : 'catalog writer worker',
        ms(median(results[mode].map((result) => result.ms))),
        ms(median(results[mode].map((result) => result.stall))),
      ]);
    }
    options.log(
      `${workload}: inline stall ${ms(median(results.inline.map((r) => r.stall)))}, worker stall ${ms(median(results.worker.map((r) => r.stall)))}`,
    );
  }
  return {
    key: 'catalog-save',
    title: 'Catalog: saving a snapshot without stalling the main process',
    command: `npm run bench -- --suite catalog-save${options.quick ? ' --quick' : ''}`,
    body: `A fresh introspected snapshot saved into a new catalog (all tables, columns, keys, indexes and fingerprints), in
place against the catalog writer worker (the app's path for snapshots over 2,000 columns), alternating, median of 4.
"Longest stall" is the longest gap of a 5 ms ticker on the main thread during the save: what every other request
(IPC, web mode, the status bar) would wait. What remains with the worker is handing the snapshot over (structured
clone).

${table(['workload', 'columns', 'saved', 'save time', 'longest main-thread stall'], rows)}`,
  };
}
