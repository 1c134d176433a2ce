import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExplainView, PlanNodeView } from '../../shared/ipc-contract.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { engineFixture } from '../helpers/engine-fixture.ts';
import { mysqlUrl, postgresUrl } from '../helpers/services.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { ensureShop, SHOP_DATABASE, shopSqliteFile } from '../helpers/visual-shop.ts';

function flatten(nodes: readonly PlanNodeView[]): PlanNodeView[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

const ENGINES = [
  { engine: 'postgres', url: () => postgresUrl(SHOP_DATABASE) },
  { engine: 'mysql', url: () => mysqlUrl(SHOP_DATABASE) },
  { engine: 'sqlite', url: () => `sqlite:${shopSqliteFile()}` },
] as const;

// The shop's tables on every engine: 60,000 orders (a declared, indexed key to customers) and 3,000 refunds whose
// order_id has no index.
const FULL_SCAN = 'SELECT id, amount FROM orders WHERE amount > 100';
const INDEXED = 'SELECT o.id, o.amount FROM orders o WHERE o.customer_id = 42';
const UNINDEXED_JOIN =
  'SELECT c.name, r.amount FROM customers c JOIN orders o ON o.customer_id = c.id JOIN refunds r ON r.order_id = o.id WHERE c.id = 42';

describe.each(ENGINES)('EXPLAIN on $engine (the real server)', ({ engine, url }) => {
  const fixture = engineFixture();
  let sourceId = '';
  const explain = async (sql: string) => {
    const envelope = await dispatch(fixture.engine.handlers, 'query/explain', { sourceId, sql });
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { kind: envelope.error.kind });
    return envelope.value as ExplainView;
  };

  beforeAll(async () => {
    await ensureShop();
    sourceId = (
      await fixture.engine.handlers['sources/add'](
        { name: `shop ${engine}`, url: url() },
        { signal: new AbortController().signal },
      )
    ).id;
    await fixture.engine.handlers['schema/refresh']({ sourceId }, { signal: new AbortController().signal }); // the catalog's row estimates
  }, 300_000);
  afterAll(() => fixture.close());

  it('explains a full scan of a large table with a warning, and estimates where the engine gives them', async () => {
    const result = await explain(FULL_SCAN);
    expect(result.engine).toBe(engine);
    expect(result.statement).not.toMatch(/analy[sz]e/i);
    const nodes = flatten(result.plan);
    const scan = nodes.find((node) => node.fullScan && node.relation?.endsWith('orders'));
    expect(scan, JSON.stringify(result.plan)).toBeDefined();
    if (engine !== 'sqlite') expect(scan!.rows).toBeGreaterThan(1000); // SQLite's EXPLAIN QUERY PLAN has no estimates
    if (engine === 'postgres') expect(scan!.cost).toBeGreaterThan(0);
    expect(result.warnings.map((warning) => warning.kind)).toContain('full_scan');
    expect(result.warnings.find((warning) => warning.kind === 'full_scan')!.message).toMatch(
      /Full scan of .*orders \(~[\d,]+ rows\)/,
    );
  });

  it('shows an index lookup with no warning', async () => {
    const result = await explain(INDEXED);
    const nodes = flatten(result.plan);
    expect(
      nodes.some((node) => node.index !== null),
      JSON.stringify(result.plan),
    ).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('warns about a join without an index', async () => {
    const result = await explain(UNINDEXED_JOIN);
    const warning = result.warnings.find((entry) => entry.kind === 'join_without_index');
    expect(warning, JSON.stringify(result.plan, null, 1)).toBeDefined();
    expect(warning!.relation).toMatch(/^(r|refunds)$/);
  });

  it('never runs the statement, and refuses writes, ANALYZE, nested EXPLAIN and invalid SQL with the reason', async () => {
    await expect(explain('DELETE FROM refunds')).rejects.toMatchObject({ kind: 'read_only_violation' });
    await expect(explain('EXPLAIN ANALYZE SELECT * FROM orders')).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/Only a query .* starts with EXPLAIN/),
    });
    await expect(explain('ANALYZE orders')).rejects.toMatchObject({ kind: 'read_only_violation' });
    await expect(explain('SELECT 1; DROP TABLE refunds')).rejects.toMatchObject({ kind: 'read_only_violation' });
    // a write hidden in a query is refused before any EXPLAIN is written (PostgreSQL would plan the DELETE)
    await expect(explain('WITH gone AS (DELETE FROM refunds RETURNING id) SELECT * FROM gone')).rejects.toMatchObject({
      kind: 'read_only_violation',
    });
    await expect(explain('SHOW TABLES')).rejects.toMatchObject({
      kind: expect.stringMatching(/invalid_input|read_only_violation/),
    });
    await expect(explain('SELECT * FROM no_such_table_here')).rejects.toThrow(/no_such_table_here/);
    await expect(explain('SELEC id FROM orders')).rejects.toMatchObject({
      kind: expect.stringMatching(/read_only_violation|invalid_input/),
    });
    // 3.6 billion rows if it ran: planned in milliseconds, because it does not.
    const started = performance.now();
    const huge = await explain('SELECT count(*) FROM orders a CROSS JOIN orders b');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(flatten(huge.plan).length).toBeGreaterThan(0);
  });
});

describe('schemascope explain URL SQL --json', () => {
  const home = tempHome();
  afterAll(home.cleanup);
  beforeAll(() => ensureShop(), 300_000);

  it('prints {plan, warnings, ms} for a query', async () => {
    const run = await runCli(['explain', postgresUrl(SHOP_DATABASE), FULL_SCAN, '--json', '--home', home.dir]);
    expect(run.code, run.stderr).toBe(0);
    const output = run.json<{ plan: PlanNodeView[]; warnings: { kind: string }[]; ms: number }>();
    expect(Object.keys(output)).toEqual(expect.arrayContaining(['plan', 'warnings', 'ms']));
    expect(flatten(output.plan).some((node) => node.operation === 'Seq Scan' && node.relation === 'orders')).toBe(true);
    expect(output.warnings.map((warning) => warning.kind)).toContain('full_scan');
    expect(output.ms).toBeGreaterThanOrEqual(0);
  });

  it('exits non-zero with the reason for a write and for an invalid statement, printing nothing on stdout', async () => {
    const write = await runCli([
      'explain',
      mysqlUrl(SHOP_DATABASE),
      'UPDATE orders SET amount = 0',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(write.code).toBe(1);
    expect(write.stdout).toBe('');
    expect(write.stderr).toMatch(/^schemascope: read_only_violation: .*(UPDATE|read-only)/m);
    const invalid = await runCli([
      'explain',
      `sqlite:${shopSqliteFile()}`,
      'SELECT nope FROM orders',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^schemascope: \w+: .*nope/m);
    const bare = await runCli(['explain', `sqlite:${shopSqliteFile()}`, '--json', '--home', home.dir]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/explain takes 2 argument/);
  });
});
