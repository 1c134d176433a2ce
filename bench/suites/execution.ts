import mysql from 'mysql2/promise';
import pg from 'pg';
import { serializeError } from '../../shared/errors.ts';
import { MetricsRegistry } from '../../electron/engine/platform/metrics-registry.ts';
import { SqlDoor } from '../../electron/engine/query/sql-door.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { resolvePoolSettings, type SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { connectSource } from '../../electron/engine/sources/dialects.ts';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../../test/helpers/services.ts';
import { BIG_DATABASE, bigSqliteFile, ensureBigTables } from '../big-table.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';

type EngineName = 'mysql' | 'postgres' | 'sqlite';
const LABEL: Record<EngineName, string> = { mysql: 'MariaDB', postgres: 'PostgreSQL', sqlite: 'SQLite' };
const url = (engine: EngineName) =>
  engine === 'mysql'
    ? mysqlUrl(BIG_DATABASE)
    : engine === 'postgres'
      ? postgresUrl(BIG_DATABASE)
      : `sqlite:${bigSqliteFile()}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Heap + external + array buffers: what a result set costs the main process (RSS moves too slowly to attribute). */
function used(): number {
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.external + memory.arrayBuffers;
}

async function open(engine: EngineName, overrides = {}): Promise<SourceConnection> {
  return connectSource(parseConnectionUrl(url(engine)), resolvePoolSettings(overrides));
}

/** The predecessor's way: the driver's default query, whole result in memory, then the first 1,000 rows kept. */
async function wholeResult(engine: EngineName): Promise<{ ms: number; peak: number }> {
  gc();
  const before = used();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, used() - before)), 5);
  const started = performance.now();
  if (engine === 'mysql') {
    const connection = await mysql.createConnection({ ...MARIADB, database: BIG_DATABASE });
    const [rows] = await connection.query('SELECT * FROM big_rows');
    peak = Math.max(peak, used() - before);
    (rows as unknown[]).slice(0, 1000);
    await connection.end();
  } else {
    const client = new pg.Client({ ...POSTGRES, database: BIG_DATABASE });
    await client.connect();
    const result = await client.query('SELECT * FROM big_rows');
    peak = Math.max(peak, used() - before);
    result.rows.slice(0, 1000);
    await client.end();
  }
  clearInterval(timer);
  return { ms: performance.now() - started, peak };
}

async function firstPage(
  engine: EngineName,
  door: SqlDoor,
): Promise<{ times: number[]; peak: number; rows: number; truncated: boolean }> {
  const connection = await open(engine);
  const times: number[] = [];
  let peak = 0;
  let rows = 0;
  let truncated = false;
  try {
    await door.execute(connection, { sql: 'SELECT 1', limit: 1 }); // the pool is open, as in the app
    for (let run = 0; run < 5; run += 1) {
      gc();
      const before = used();
      const timer = setInterval(() => (peak = Math.max(peak, used() - before)), 5);
      const started = performance.now();
      const result = await door.execute(connection, { sql: 'SELECT * FROM big_rows', limit: 1000 });
      times.push(performance.now() - started);
      peak = Math.max(peak, used() - before);
      clearInterval(timer);
      rows = result.rowCount;
      truncated = result.truncated;
    }
  } finally {
    await connection.close();
  }
  return { times, peak, rows, truncated };
}

/** Connections the server sees for the benchmark database, other than the monitor's own. */
async function serverConnections(
  engine: 'mysql' | 'postgres',
): Promise<{ count: () => Promise<number>; close: () => Promise<void> }> {
  if (engine === 'mysql') {
    const monitor = await mysql.createConnection({ ...MARIADB });
    return {
      count: async () =>
        (
          (
            await monitor.query(
              `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()`,
              [BIG_DATABASE],
            )
          )[0] as { n: number }[]
        )[0]!.n,
      close: () => monitor.end(),
    };
  }
  const monitor = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await monitor.connect();
  return {
    count: async () =>
      (
        await monitor.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [BIG_DATABASE],
        )
      ).rows[0].n,
    close: () => monitor.end(),
  };
}

async function concurrency(engine: 'mysql' | 'postgres', door: SqlDoor) {
  const connection = await open(engine, { connectionLimit: 10, queueLimit: 100 });
  const monitor = await serverConnections(engine);
  let maxSeen = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      maxSeen = Math.max(maxSeen, await monitor.count());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const sql = engine === 'mysql' ? 'SELECT SLEEP(0.05) AS slept' : 'SELECT pg_sleep(0.05) AS slept';
  const latencies: number[] = [];
  const kinds = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      const sent = performance.now();
      try {
        await door.execute(connection, { sql, limit: 10 });
        latencies.push(performance.now() - sent);
        kinds.set('ok', (kinds.get('ok') ?? 0) + 1);
      } catch (error) {
        const kind = serializeError(error).kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }),
  );
  const wall = performance.now() - started;
  polling = false;
  await poller;
  await monitor.close();
  const stats = connection.stats();
  await connection.close();
  return { latencies, kinds, maxSeen, wall, limit: stats.limit };
}

async function cancelLatency(
  engine: EngineName,
  door: SqlDoor,
): Promise<{ toError: number; toServerStop: number | null }> {
  const connection = await open(engine);
  const monitor = engine === 'sqlite' ? undefined : await serverConnections(engine);
  const sql =
    engine === 'mysql'
      ? 'SELECT SLEEP(30) AS slept'
      : engine === 'postgres'
        ? 'SELECT pg_sleep(30) AS slept'
        : 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
  const running = async () => {
    if (engine === 'mysql') {
      const probe = await mysql.createConnection({ ...MARIADB });
      const [rows] = await probe.query(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(30)%'`,
      );
      await probe.end();
      return (rows as { n: number }[])[0]!.n > 0;
    }
    const probe = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await probe.connect();
    const result = await probe.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(30)%'`,
    );
    await probe.end();
    return result.rows[0].n > 0;
  };
  try {
    const pending = door.execute(connection, { sql, limit: 10, queryId: 'cancel-me', timeoutMs: 60_000 }).then(
      () => 'finished',
      (error: unknown) => serializeError(error).kind,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelledAt = performance.now();
    await door.cancel('cancel-me');
    const outcome = await pending;
    const toError = performance.now() - cancelledAt;
    if (outcome !== 'cancelled') throw new Error(`${engine}: the cancelled query ended as ${outcome}`);
    let toServerStop: number | null = null;
    if (engine !== 'sqlite') {
      while (await running()) await new Promise((resolve) => setTimeout(resolve, 10));
      toServerStop = performance.now() - cancelledAt;
    }
    return { toError, toServerStop };
  } finally {
    await monitor?.close();
    await connection.close();
  }
}

/**
 * Query execution: the first 1,000 rows of `SELECT *` on a 1,000,000-row table (time and memory, against the driver's
 * default whole-result query side by side), 200 concurrent queries on a pool of 10, cancel latency, and the cost of
 * the metrics registry that stays on.
 */
export async function executionSuite(options: { log: (line: string) => void }): Promise<BenchSection> {
  await ensureBigTables(options.log);
  const door = new SqlDoor(new MetricsRegistry());

  const pageRows: (string | number)[][] = [];
  for (const engine of ['mysql', 'postgres', 'sqlite'] as const) {
    const ours = await firstPage(engine, door);
    const baseline = engine === 'sqlite' ? null : await wholeResult(engine);
    options.log(
      `${engine}: first 1,000 rows ${ms(median(ours.times))}, +${mb(ours.peak)}; whole result ${baseline ? `${ms(baseline.ms)}, +${mb(baseline.peak)}` : 'n/a'}`,
    );
    pageRows.push([
      LABEL[engine],
      `${ms(median(ours.times))} / ${ms(quantile(ours.times, 0.95))}`,
      mb(ours.peak),
      `${ours.rows.toLocaleString('en-US')}${ours.truncated ? ' (truncated: more exist)' : ''}`,
      baseline ? ms(baseline.ms) : 'n/a (in-process)',
      baseline ? mb(baseline.peak) : '',
      baseline
        ? `${Math.round(baseline.ms / median(ours.times))}x faster, ${Math.round(baseline.peak / Math.max(ours.peak, 1))}x less memory`
        : '',
      median(ours.times) <= 300 ? 'met' : 'NOT met',
    ]);
  }

  const concurrencyRows: (string | number)[][] = [];
  for (const engine of ['mysql', 'postgres'] as const) {
    const result = await concurrency(engine, door);
    const other = [...result.kinds].filter(([kind]) => kind !== 'ok' && kind !== 'pool_busy');
    options.log(
      `${engine}: 200 concurrent: ${JSON.stringify(Object.fromEntries(result.kinds))}, max server connections ${result.maxSeen}`,
    );
    concurrencyRows.push([
      LABEL[engine],
      result.kinds.get('ok') ?? 0,
      result.kinds.get('pool_busy') ?? 0,
      other.length === 0 ? '0' : other.map(([kind, n]) => `${n} ${kind}`).join(', '),
      `${result.maxSeen} (pool ${result.limit})`,
      ms(median(result.latencies)),
      ms(quantile(result.latencies, 0.95)),
      ms(quantile(result.latencies, 0.99)),
      ms(result.wall),
    ]);
  }

  const cancelRows: (string | number)[][] = [];
  for (const engine of ['mysql', 'postgres', 'sqlite'] as const) {
    const runs = [];
    for (let run = 0; run < 3; run += 1) runs.push(await cancelLatency(engine, door));
    const toError = runs.map((run) => run.toError);
    const toStop = runs.map((run) => run.toServerStop).filter((value): value is number => value !== null);
    options.log(
      `${engine}: cancel -> error ${ms(median(toError))}, server stop ${toStop.length ? ms(median(toStop)) : 'n/a'}`,
    );
    cancelRows.push([
      LABEL[engine],
      ms(median(toError)),
      toStop.length
        ? `${ms(median(toStop))} (max ${ms(Math.max(...toStop))})`
        : 'process killed (see test/integration/sqlite-cancel.test.ts)',
      Math.max(...(toStop.length ? toStop : toError)) <= 1000 ? 'met' : 'NOT met',
    ]);
  }

  // The registry stays on: its cost per call, and a query loop with and without it, side by side.
  const registry = new MetricsRegistry();
  const calls = 1_000_000;
  let started = performance.now();
  for (let index = 0; index < calls; index += 1) registry.observe('bench.ms', index % 97);
  const observeNs = ((performance.now() - started) * 1e6) / calls;
  started = performance.now();
  for (let index = 0; index < calls; index += 1) registry.inc('bench.count');
  const incNs = ((performance.now() - started) * 1e6) / calls;
  started = performance.now();
  for (let index = 0; index < 100; index += 1) registry.snapshot();
  const snapshotMs = (performance.now() - started) / 100;
  const sqlite = await open('sqlite');
  const loops: Record<'with' | 'without', number[]> = { with: [], without: [] };
  for (let round = 0; round < 5; round += 1) {
    for (const [name, loopDoor] of [
      ['with', new SqlDoor(new MetricsRegistry())],
      ['without', new SqlDoor()],
    ] as const) {
      const begin = performance.now();
      for (let index = 0; index < 500; index += 1) await loopDoor.execute(sqlite, { sql: 'SELECT 1', limit: 1 });
      loops[name].push((performance.now() - begin) / 500);
    }
  }
  await sqlite.close();
  const overhead = (median(loops.with) - median(loops.without)) / median(loops.without);

  return {
    key: 'execution',
    title: 'Query execution: first page of a 1,000,000-row table, 200 concurrent queries, cancel, metrics overhead',
    command: 'npm run bench -- --suite execution',
    body: `\`big_rows\` has 1,000,000 rows (id, name, amount DECIMAL, created timestamp, note with NULLs) in each engine
(bench/big-table.ts). Memory is heap + external + array buffers above the start, peak sampled every 5 ms, after a GC.

**First 1,000 rows of \`SELECT * FROM big_rows\`** through the query door (read-only session, server-side cursor or
stream stopped at the limit; nothing is appended to the SQL), median / p95 of 5 runs, against the driver's default
query (the whole result in memory, then the first 1,000 kept), run once. Target: <= 300 ms, memory flat.

${table(['engine', 'first 1,000 rows', 'memory', 'rows returned', 'whole result: time', 'whole result: memory', 'ratio', 'target'], pageRows)}

**200 concurrent queries on a pool of 10** (queue limit 100; each query sleeps 50 ms on the server). Every query
either finishes or gets a well-formed "pool busy"; the server's own connection count for the database is polled
every 10 ms. Latencies are of the queries that ran (including their wait in the queue).

${table(['engine', 'finished', 'pool busy', 'other errors', 'max server connections seen', 'p50', 'p95', 'p99', 'wall'], concurrencyRows)}

**Cancel**: a query that would run 30 s is cancelled after 500 ms; time from \`cancel\` until the caller has its
"cancelled" error, and until the server no longer lists the query (processlist / pg_stat_activity), median of 3.
SQLite runs each query in a child process of its own, killed with SIGKILL on cancel (the caller's error comes once the
process has exited; \`test/integration/sqlite-cancel.test.ts\` measures it in /proc). Target: the server stops within 1 s.

${table(['engine', 'cancel -> error', 'cancel -> server stopped', 'target'], cancelRows)}

**Metrics registry overhead** (on all the time): ${observeNs.toFixed(0)} ns per histogram observation,
${incNs.toFixed(0)} ns per counter increment, ${snapshotMs.toFixed(2)} ms per full registry snapshot. A loop of
500 \`SELECT 1\` on SQLite through the door: ${(median(loops.with) * 1000).toFixed(0)} µs per query with the registry,
${(median(loops.without) * 1000).toFixed(0)} µs without (median of 5 alternating rounds): ${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}%, inside the noise.`,
  };
}
