import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings, type SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { sqliteDialect } from '../../electron/engine/sources/sqlite/sqlite-pool.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';

/**
 * Issue #17: a cancelled or timed-out SQLite query must stop using CPU, not only answer "timeout" on time. Measured
 * from outside, in /proc: the query's process is found burning CPU, and after the cancel or the timeout it is gone
 * (so it uses none) well within a second; meanwhile the pool's stats never say "nothing running" while it lives.
 */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const CHECKOUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ChildProcessInfo {
  readonly pid: number;
  readonly cpuMs: number;
}

/** Children of this test process (or, with `anyParent`, any process) that run a SQLite query process of this checkout. */
function queryProcesses(anyParent = false): ChildProcessInfo[] {
  const found: ChildProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (!anyParent && Number(fields[1]) !== process.pid) continue; // field 4: ppid
      const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!commandLine.includes('sqlite-query-process') || !commandLine.includes(CHECKOUT)) continue;
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      found.push({ pid: Number(name), cpuMs: (ticks * 1000) / TICKS_PER_SECOND });
    } catch {
      // a process that ended while we looked
    }
  }
  return found;
}

function cpuMsOf(pid: number): number | undefined {
  return queryProcesses().find((info) => info.pid === pid)?.cpuMs;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const home = tempHome('schemascope-sqlite-cancel-');
const file = path.join(home.dir, 'numbers.sqlite');
let connection: SourceConnection;

// Each returns no row for a very long time: SQLite is inside one step the whole while.
const SLOW: Record<string, string> = {
  aggregate: 'SELECT count(*), sum(a.v * b.v + c.v) FROM t a, t b, t c',
  sort: 'SELECT a.v * 7 + b.v * 3 + c.v AS k FROM t a, t b, t c ORDER BY k DESC LIMIT 1',
  'recursive CTE':
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000000) SELECT x FROM c WHERE x = 0',
};

beforeAll(async () => {
  const db = openSqlite(file);
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let value = 1; value <= 2000; value += 1) insert.run(value);
  })();
  db.close();
  connection = await sqliteDialect.connect(
    parseConnectionUrl(`sqlite:${file}`),
    resolvePoolSettings({ connectionLimit: 2 }),
  );
});

afterAll(async () => {
  await connection?.close();
  home.cleanup();
});

describe.each(Object.entries(SLOW))('SQLite %s', (_label, sql) => {
  for (const how of ['cancel', 'timeout'] as const) {
    it(`${how}: the query's process is gone within 1 s, and the pool counts it running until then`, async () => {
      const queryId = `${how}-${_label}`;
      const outcome = connection
        .execute(sql, { limit: 100, timeoutMs: how === 'timeout' ? 1_500 : 120_000, queryId })
        .then(
          () => undefined,
          (error: unknown) => error,
        );

      // The work is really happening: a query process of ours burns CPU.
      const before = await until('a query process using CPU', () => queryProcesses().find((info) => info.cpuMs >= 200));
      expect(connection.stats().active).toBe(1);

      // The stats tell the truth all along: whenever they say no query is active, the process is already gone.
      let lies = 0;
      const watch = setInterval(() => {
        if (connection.stats().active === 0 && existsSync(`/proc/${before.pid}`)) lies += 1;
      }, 1);

      let stoppedAt: number;
      if (how === 'cancel') {
        stoppedAt = performance.now();
        expect(await connection.cancel(queryId)).toBe(true);
      } else {
        stoppedAt = performance.now();
      }
      const error = await outcome;
      const answeredAt = performance.now();
      expect(error).toMatchObject({ kind: how === 'cancel' ? 'cancelled' : 'timeout' });
      if (how === 'cancel') expect(answeredAt - stoppedAt).toBeLessThan(1_000);

      // Within 1 s of the answer: the process has exited (no CPU at all), not merely been told to.
      const gone = await until(
        'the query process to exit',
        () => (existsSync(`/proc/${before.pid}`) ? undefined : performance.now()),
        1_000,
      );
      expect(gone - answeredAt).toBeLessThan(1_000);
      expect(cpuMsOf(before.pid)).toBeUndefined();
      clearInterval(watch);
      expect(lies).toBe(0);
      expect(connection.stats()).toMatchObject({ active: 0, waiting: 0 });
      expect(queryProcesses().map((info) => info.pid)).not.toContain(before.pid);

      // As today: the next query works, in a fresh process.
      const next = await connection.execute('SELECT count(*) AS n FROM t', {
        limit: 10,
        timeoutMs: 10_000,
        queryId: `${queryId}-next`,
      });
      expect(next.rows).toEqual([[2000]]);
    });
  }
});

describe('SQLite query processes', () => {
  it('a finished query leaves its process idle for the next one, and close() ends every process', async () => {
    const first = await connection.execute('SELECT 1', { limit: 10, timeoutMs: 10_000, queryId: 'reuse-1' });
    expect(first.rows).toEqual([[1]]);
    const idle = queryProcesses().map((info) => info.pid);
    expect(idle.length).toBeGreaterThanOrEqual(1);
    expect(connection.stats()).toMatchObject({ active: 0, idle: idle.length, total: idle.length });
    await connection.execute('SELECT 2', { limit: 10, timeoutMs: 10_000, queryId: 'reuse-2' });
    expect(
      queryProcesses()
        .map((info) => info.pid)
        .sort(),
    ).toEqual([...idle].sort());

    const other = await sqliteDialect.connect(parseConnectionUrl(`sqlite:${file}`), resolvePoolSettings());
    await other.execute('SELECT 3', { limit: 10, timeoutMs: 10_000, queryId: 'other' });
    const all = queryProcesses().map((info) => info.pid);
    const mine = all.filter((pid) => !idle.includes(pid));
    expect(mine).toHaveLength(1);
    await other.close();
    expect(existsSync(`/proc/${mine[0]}`)).toBe(false);
  });

  it('an idle process killed from outside leaves the stats at once, and the next query starts a fresh one', async () => {
    // An idle process killed from outside (out of memory, a crash): the next query starts a fresh one.
    for (const info of queryProcesses()) process.kill(info.pid, 'SIGKILL');
    expect(connection.stats().idle).toBeGreaterThanOrEqual(1);
    await until('the pool to see its idle processes gone', () => (connection.stats().idle === 0 ? true : undefined));
    expect(queryProcesses()).toEqual([]);
    const after = await connection.execute('SELECT 4', { limit: 10, timeoutMs: 10_000, queryId: 'after-crash' });
    expect(after.rows).toEqual([[4]]);
  });
});

describe('the CLI', () => {
  it('reports a timed-out SQLite query (exit 1, kind timeout) and leaves no query process behind', async () => {
    const cliHome = tempHome('schemascope-sqlite-cancel-cli-');
    try {
      const mine = () =>
        queryProcesses(true)
          .map((info) => info.pid)
          .filter((pid) => !queryProcesses().some((child) => child.pid === pid));
      const before = mine();
      const run = await runCli([
        'query',
        `sqlite:${file}`,
        SLOW.aggregate!,
        '--timeout-ms',
        '800',
        '--home',
        cliHome.dir,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/timeout: The query ran longer than 800 ms/);
      expect(mine().filter((pid) => !before.includes(pid))).toEqual([]);
      const ok = await runCli([
        'query',
        `sqlite:${file}`,
        'SELECT count(*) AS n FROM t',
        '--json',
        '--home',
        cliHome.dir,
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.json()).toMatchObject({ rows: [[2000]] });
    } finally {
      cliHome.cleanup();
    }
  });
});
