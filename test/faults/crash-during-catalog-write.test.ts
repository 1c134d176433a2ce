import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogStore } from '../../electron/engine/catalog/catalog-store.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { createRandom } from '../../electron/engine/platform/random.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts the writer and kills it with SIGKILL `afterMs` after its first stored snapshot. */
function writeThenKill(home: string, afterMs: number): Promise<{ saves: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'bin/run-ts.mjs'), 'test/fixtures/catalog-writer-process.ts', home, workloadSqliteFile('w200')],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let saves = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        if (line) saves += 1;
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve({ saves, signal }) : reject(new Error(`writer exited on its own: ${stderr}`)),
    );
  });
}

describe('kill -9 during catalog writes', () => {
  it('leaves a catalog that passes integrity_check, holds only whole snapshots, and keeps working', async () => {
    const home = tempHome();
    const random = createRandom(99);
    let totalSaves = 0;
    try {
      for (let round = 0; round < 5; round += 1) {
        const { saves } = await writeThenKill(home.dir, 50 + Math.floor(random() * 700));
        totalSaves += saves;
        const catalog = new CatalogStore(CatalogStore.file(home.dir));
        try {
          expect(catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(catalog.db.pragma('foreign_key_check')).toEqual([]);
          // Every snapshot is whole: as many tables and columns stored as it says, none twice.
          const snapshots = catalog.db.prepare('SELECT id, table_count, column_count FROM snapshots').all() as {
            id: number;
            table_count: number;
            column_count: number;
          }[];
          expect(snapshots.length).toBeGreaterThan(0);
          expect(snapshots.length).toBeLessThanOrEqual(3);
          for (const snapshot of snapshots) {
            const tables = catalog.db
              .prepare(
                "SELECT count(*) AS n, count(DISTINCT schema_name || '.' || table_name) AS d FROM catalog_tables WHERE snapshot_id = ?",
              )
              .get(snapshot.id) as { n: number; d: number };
            const columns = (
              catalog.db
                .prepare('SELECT count(*) AS n FROM catalog_columns WHERE snapshot_id = ?')
                .get(snapshot.id) as { n: number }
            ).n;
            expect(tables).toEqual({ n: snapshot.table_count, d: snapshot.table_count });
            expect(columns).toBe(snapshot.column_count);
          }
          expect(catalog.loadSnapshot(catalog.latestSnapshot('w200')!.id).tables).toHaveLength(200);
        } finally {
          catalog.close();
        }
      }
      expect(totalSaves).toBeGreaterThan(5); // the kills landed while snapshots were being written, again and again
      // And it goes on: a new snapshot saves and loads.
      const catalog = new CatalogStore(CatalogStore.file(home.dir));
      const db = openSqlite(workloadSqliteFile('w200'), { readonly: true });
      const saved = catalog.saveSnapshot('w200', introspectSqlite(db, 'main').snapshot, { queries: 6, ms: 1 });
      db.close();
      expect(catalog.loadSnapshot(saved.snapshot.id).tables).toHaveLength(200);
      catalog.close();
    } finally {
      home.cleanup();
    }
  });
});
