import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { assertListening, MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

const sh = (command: string) => execSync(command, { stdio: 'pipe', timeout: 60_000 });

async function waitForPort(port: number, seconds = 30): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await assertListening('server', '127.0.0.1', port, '');
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Real restarts of the real servers (as root, with the machine's own start commands). */
const SERVERS = {
  mysql: {
    url: mysqlUrl('ss_w200'),
    longQuery: 'SELECT SLEEP(20) AS slept',
    restart: async () => {
      sh('mariadb-admin -uroot --protocol=socket shutdown');
      sh('start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd');
      await waitForPort(MARIADB.port);
    },
  },
  postgres: {
    url: postgresUrl('ss_w200'),
    longQuery: 'SELECT pg_sleep(20) AS slept',
    restart: async () => {
      const version = readdirSync('/etc/postgresql')[0]!;
      sh(`pg_ctlcluster --skip-systemctl-redirect ${version} main restart -m fast`);
      await waitForPort(POSTGRES.port);
    },
  },
} as const;

describe.each(Object.entries(SERVERS))('%s stopped and restarted', (_engine, server) => {
  const home = tempHome();
  const engine = createEngine({ home: home.dir, mode: 'web' });
  afterAll(async () => {
    await engine.close();
    home.cleanup();
  });
  let sourceId = '';

  it('during a query: a clear error, then the pool recovers and the next query works', async () => {
    const added = await dispatch(engine.handlers, 'sources/add', { name: 'w200', url: server.url });
    sourceId = (added as { ok: true; value: { id: string } }).value.id;
    expect((await dispatch(engine.handlers, 'query/execute', { sourceId, sql: 'SELECT 1 AS one' })).ok).toBe(true);
    const running = dispatch(engine.handlers, 'query/execute', { sourceId, sql: server.longQuery });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.restart();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    const error = (outcome as { ok: false; error: { kind: string; message: string } }).error;
    expect(['unreachable', 'cancelled', 'internal', 'invalid_input']).toContain(error.kind);
    expect(error.message).toMatch(/connection|server|terminat|shut|lost|closed|reset|gone/i);
    // The next request works: dead connections are dropped, new ones made.
    let next = await dispatch(engine.handlers, 'query/execute', { sourceId, sql: 'SELECT 1 AS one' });
    for (let attempt = 0; !next.ok && attempt < 3; attempt += 1)
      next = await dispatch(engine.handlers, 'query/execute', { sourceId, sql: 'SELECT 1 AS one' });
    expect(next, JSON.stringify(next)).toMatchObject({ ok: true, value: { rows: [[1]] } });
    const pool = (await engine.snapshotMetrics()).pools.find((entry) => entry.sourceId === sourceId)!;
    expect(pool.active).toBe(0); // no slot leaked by the failed query
  });

  it('during introspection: a clear error or a whole snapshot, never a broken one, then it works', async () => {
    const refreshing = dispatch(engine.handlers, 'schema/refresh', { sourceId });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.restart();
    const outcome = await refreshing;
    if (!outcome.ok)
      expect((outcome as { ok: false; error: { message: string } }).error.message.length).toBeGreaterThan(10);
    let again = await dispatch(engine.handlers, 'schema/refresh', { sourceId });
    for (let attempt = 0; !again.ok && attempt < 3; attempt += 1)
      again = await dispatch(engine.handlers, 'schema/refresh', { sourceId });
    expect(again, JSON.stringify(again)).toMatchObject({
      ok: true,
      value: { counts: { tables: 200, columns: 10_000 } },
    });
    expect(engine.catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
