import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture } from '../helpers/engine-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MARIADB } from '../helpers/services.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

describe('offline: the cached snapshot answers when the database is out of reach', () => {
  const proxy = new TcpProxy(MARIADB.host, MARIADB.port);
  const fixture = engineFixture({ connectTimeoutMs: 1_000 });
  let url: string;
  let sourceId: string;

  beforeAll(async () => {
    const port = await proxy.start();
    url = `mysql://root@127.0.0.1:${port}/ss_w200`;
    sourceId = fixture.engine.sources.add({ name: 'warehouse', url }).id;
  });
  afterAll(async () => {
    await proxy.stop();
    await fixture.close();
  });

  it('caches the schema while online', async () => {
    const online = await fixture.engine.handlers['schema/tables']({ sourceId }, {});
    expect(online.snapshot).toMatchObject({ offline: false, warning: null });
    expect(online.tables).toHaveLength(200);
  });

  it('browses tables and table details from the snapshot, clearly labelled with its time', async () => {
    await proxy.stop();
    await expect(fixture.engine.handlers['schema/refresh']({ sourceId }, {})).rejects.toMatchObject({
      kind: 'unreachable',
    });
    const offline = await fixture.engine.handlers['schema/tables']({ sourceId }, {});
    expect(offline.tables).toHaveLength(200);
    expect(offline.snapshot!.offline).toBe(true);
    expect(offline.snapshot!.warning).toContain(`cached at ${offline.snapshot!.takenAt}`);
    const detail = await fixture.engine.handlers['schema/table'](
      { sourceId, schema: 'ss_w200', table: 'Order Details' },
      {},
    );
    expect(detail.snapshot.offline).toBe(true);
    expect(detail.table.columns).toHaveLength(50);
    expect(detail.incoming.map((entry) => entry.table)).toEqual(['t0009_whse']);
    await expect(
      fixture.engine.handlers['schema/sample']({ sourceId, schema: 'ss_w200', table: 'order' }, {}),
    ).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('the CLI answers --offline from the cache, and falls back with a warning when the database is down', async () => {
    const cliUrl = url;
    const offline = await runCli(['introspect', cliUrl, '--offline', '--json', '--home', fixture.home]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.json()).toMatchObject({ tables: 200, columns: 10_000, offline: true, queries: 0 });
    const fallback = await runCli(['introspect', cliUrl, '--json', '--home', fixture.home]);
    expect(fallback.code, fallback.stderr).toBe(0);
    expect(fallback.stderr).toMatch(/^warning: .*unreachable.*cached snapshot/i);
    expect(fallback.json()).toMatchObject({ tables: 200, offline: true });
    const never = await runCli([
      'introspect',
      'mysql://root@127.0.0.1:1/never_seen',
      '--offline',
      '--json',
      '--home',
      fixture.home,
    ]);
    expect(never.code).not.toBe(0);
    expect(never.stderr).toMatch(/offline: No cached snapshot/);
  });

  it('recovers when the database is back: the next request works and the label goes', async () => {
    await proxy.start(proxy.port);
    const refreshed = await fixture.engine.handlers['schema/refresh']({ sourceId }, {});
    expect(refreshed.diff).toMatchObject({ added: [], removed: [], changed: [], unchanged: 200 });
    const online = await fixture.engine.handlers['schema/tables']({ sourceId }, {});
    expect(online.snapshot!.offline).toBe(false);
    const sample = await fixture.engine.handlers['schema/sample']({ sourceId, schema: 'ss_w200', table: 'order' }, {});
    expect(sample.columns).toHaveLength(50);
  });
});
