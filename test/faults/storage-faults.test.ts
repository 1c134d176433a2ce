import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { runCli } from '../helpers/run-cli.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

/**
 * A real small file system (tmpfs, mounted by the test as root) as the data folder: filled up, then made read-only.
 * The engine must answer with a clear "storage" error, keep what it had, and work again once space is back.
 */
describe('a full or read-only data folder', () => {
  const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'schemascope-tmpfs-'));
  let engine: Engine;
  let sourceId: string;
  const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

  beforeAll(() => {
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint);
    engine = createEngine({ home: mountPoint, mode: 'web' });
  });
  afterAll(async () => {
    await engine?.close().catch(() => undefined);
    execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('says the disk is full, saves nothing half-way, and recovers when space is back', async () => {
    const added = await dispatch(engine.handlers, 'sources/add', {
      name: 'w200',
      url: `sqlite:${workloadSqliteFile('w200')}`,
    });
    expect(added.ok).toBe(true);
    sourceId = (added as { ok: true; value: { id: string } }).value.id;
    const full = await dispatch(engine.handlers, 'schema/refresh', { sourceId }); // 10,000 columns do not fit in 1 MB
    expect(full).toMatchObject({
      ok: false,
      error: {
        kind: 'storage',
        message: expect.stringMatching(/disk holding the data folder is full: nothing was saved/),
      },
    });
    expect(engine.catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(engine.catalog.latestSnapshot(sourceId)).toBeUndefined(); // nothing half-saved
    expect((await dispatch(engine.handlers, 'sources/list', {})).ok).toBe(true); // still answering
    mount('-o', 'remount,size=64m', mountPoint);
    const again = await dispatch(engine.handlers, 'schema/refresh', { sourceId });
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect((again as { ok: true; value: { counts: { tables: number } } }).value.counts.tables).toBe(200);
  });

  it('says the folder is read-only, loses nothing, and works again once it is writable', async () => {
    const snapshotsBefore = engine.catalog.db.prepare('SELECT count(*) AS n FROM catalog_columns').get();
    await engine.close();
    mount('-o', 'remount,ro', mountPoint); // only possible with nothing open for writing
    try {
      expect(() => createEngine({ home: mountPoint, mode: 'web' })).toThrow(
        /the data folder is read-only\. Make it writable or choose another folder/,
      );
      const cli = await runCli(['introspect', `sqlite:${workloadSqliteFile('w200')}`, '--json', '--home', mountPoint]);
      expect(cli.code).not.toBe(0);
      expect(cli.stderr.trim()).toMatch(/^schemascope: storage: Cannot open the catalog at .*read-only/);
    } finally {
      mount('-o', 'remount,rw', mountPoint);
    }
    engine = createEngine({ home: mountPoint, mode: 'web' });
    expect(engine.catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(engine.catalog.db.prepare('SELECT count(*) AS n FROM catalog_columns').get()).toEqual(snapshotsBefore);
    const tables = await dispatch(engine.handlers, 'schema/tables', { sourceId });
    expect((tables as { ok: true; value: { tables: unknown[] } }).value.tables).toHaveLength(200);
  });
});
