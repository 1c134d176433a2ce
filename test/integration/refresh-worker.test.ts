import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings } from '../../electron/engine/sources/dialect.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { mysqlUrl, postgresUrl } from '../helpers/services.ts';
import { workloadDatabase } from '../helpers/workloads.ts';

const home = tempHome('refresh-');
const file = path.join(home.dir, 'wide.sqlite');
const TABLES = 1500;
const COLUMNS = 60;

/** 1,500 tables of 60 columns with comments and foreign keys: introspecting it takes the main thread a while. */
beforeAll(() => {
  const db = openSqlite(file);
  db.exec('BEGIN');
  for (let table = 0; table < TABLES; table += 1) {
    // A comment follows its column's comma (SQLite keeps the DDL text; the introspector reads comments from it).
    const columns = Array.from({ length: COLUMNS }, (_unused, column) => {
      const last = column === COLUMNS - 1 ? '' : ',';
      if (column === 0) return `id INTEGER PRIMARY KEY${last}`;
      if (column === 1 && table > 0) return `parent_id INTEGER REFERENCES t${table - 1}(id)${last} -- the parent row`;
      return `"c${column} of ${table}" TEXT${last} -- column ${column} of table ${table}`;
    });
    db.exec(`CREATE TABLE t${table} (\n${columns.join('\n')}\n)`);
  }
  db.exec('COMMIT');
  db.close();
});
afterAll(home.cleanup);

describe('refreshing a source in the refresh worker', () => {
  it('introspects and saves in a worker: the same snapshot as in place, and the main thread keeps turning', async () => {
    // In place first, timed: what the main thread would be blocked for.
    const source = openSqlite(file, { readonly: true });
    const started = performance.now();
    const inPlace = introspectSqlite(source, 'wide.sqlite').snapshot;
    const inPlaceMs = performance.now() - started;
    source.close();
    expect(inPlace.tables).toHaveLength(TABLES);

    const engine = createEngine({ home: home.dir, mode: 'web' });
    try {
      const { id } = engine.sources.add({ name: 'wide', url: `sqlite:${file}` });
      // The longest gap between two turns of the main thread's event loop while the refresh runs.
      let longestGap = 0;
      let last = performance.now();
      let running = true;
      const spin = () => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        if (running) setImmediate(spin);
      };
      setImmediate(spin);
      const refreshed = await engine.sources.refresh(id);
      running = false;
      expect(refreshed.counts.queries).toBeGreaterThan(0);
      const stored = engine.catalog.loadSnapshot(refreshed.record.id);
      expect(stored.tables).toEqual(inPlace.tables);
      // The main thread was never held for long: a small share of what the introspection alone takes in place.
      expect(longestGap, `longest gap ${longestGap.toFixed(0)} ms; in place ${inPlaceMs.toFixed(0)} ms`).toBeLessThan(
        inPlaceMs / 2,
      );

      // A refresh with nothing changed keeps the snapshot; a missing file is an error that marks the source offline.
      const again = await engine.sources.refresh(id);
      expect(again.record.id).toBe(refreshed.record.id);
      const gone = engine.sources.add({ name: 'gone', url: `sqlite:${path.join(home.dir, 'missing.sqlite')}` });
      await expect(engine.sources.refresh(gone.id)).rejects.toMatchObject({
        kind: 'not_found',
        message: expect.stringContaining('SQLite file not found'),
      });
      const notes = path.join(home.dir, 'notes.txt');
      writeFileSync(notes, 'not a database, only some notes');
      const notSqlite = engine.sources.add({ name: 'text', url: `sqlite:${notes}` });
      await expect(engine.sources.refresh(notSqlite.id)).rejects.toMatchObject({
        kind: 'invalid_input',
        message: expect.stringContaining('Cannot open'),
      });
    } finally {
      await engine.close();
    }
  }, 120_000);

  for (const [engineName, url] of [
    ['MariaDB', mysqlUrl(workloadDatabase('w200'))],
    ['PostgreSQL', postgresUrl(workloadDatabase('w200'))],
  ] as const) {
    it(`${engineName}: the worker stores what an in-place introspection reads; a cancelled refresh stops at once`, async () => {
      const connection = await connectSource(parseConnectionUrl(url, process.cwd()), resolvePoolSettings());
      const inPlace = await connection.introspect().finally(() => connection.close());
      const engine = createEngine({ home: tempHome('refresh-db-').dir, mode: 'web' });
      try {
        const { id } = engine.sources.add({ name: 'w200', url });
        // Cancelled before the worker answers: the call ends as cancelled, and nothing is stored.
        const controller = new AbortController();
        const cancelled = engine.sources.refresh(id, controller.signal);
        controller.abort();
        await expect(cancelled).rejects.toMatchObject({ kind: 'cancelled' });
        const refreshed = await engine.sources.refresh(id);
        expect(refreshed.record.columnCount).toBe(10_000);
        // Same tables (the catalog keeps its own order of them).
        const byName = (tables: readonly { schema: string; name: string }[]) =>
          [...tables].sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
        expect(byName(engine.catalog.loadSnapshot(refreshed.record.id).tables)).toEqual(
          byName(inPlace.snapshot.tables),
        );
        // The refresh used a connection of its own: the source's pool in this thread was never opened.
        expect((await engine.sources.poolStats()).filter((entry) => entry.sourceId === id)).toEqual([]);
      } finally {
        await engine.close();
      }
    }, 120_000);
  }

  it('an unreachable database is reported by the worker as unreachable, without the password', async () => {
    const engine = createEngine({ home: tempHome('refresh-down-').dir, mode: 'web' });
    try {
      const { id } = engine.sources.add({ name: 'down', url: 'postgres://someone:s3cret-Pw@127.0.0.1:1/nowhere' });
      const failure = await engine.sources.refresh(id).catch((error: unknown) => error);
      expect(failure).toMatchObject({ kind: 'unreachable' });
      expect(JSON.stringify(failure)).not.toContain('s3cret-Pw');
      expect(String((failure as Error).message)).not.toContain('s3cret-Pw');
      expect(engine.sources.list().find((source) => source.id === id)).toMatchObject({ hasPassword: true });
    } finally {
      await engine.close();
    }
  }, 60_000);
});
