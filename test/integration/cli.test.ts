import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSchema } from '../../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tokensOf } from '../helpers/token-count.ts';
import { startServe } from '../helpers/browser.ts';
import { countTokens } from '../../electron/engine/platform/token-counter.ts';
import { mysqlUrl, postgresUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome();
const demo = path.join(home.dir, 'demo.sqlite');
writeSqliteDatabase(demoSchema(), demo);
afterAll(home.cleanup);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** `serve --json` as a process: its URL and port, and a way to stop it. */
async function startServeOnce(args: string[]): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const served = await startServe(args[args.indexOf('--home') + 1]!, args.slice(1, args.indexOf('--home')));
  return { url: served.url, port: Number(new URL(served.url).port), stop: served.stop };
}

describe('the schemascope CLI contract', () => {
  it('--help lists every command of the contract', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['introspect', 'index', 'search', 'context', 'ask', 'query', 'serve'])
      expect(run.stdout).toContain(`  ${command} `);
  });

  it('context --json packs the question under the budget, counted by tiktoken, with the contract fields', async () => {
    const run = await runCli([
      'context',
      `sqlite:${demo}`,
      'refunds by country',
      '--budget',
      '1500',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const output = run.json<{
      model: string;
      budget: number;
      tokens: number;
      tables: string[];
      columns: string[];
      text: string;
    }>();
    expect(output).toMatchObject({ model: 'gpt-4o-mini', budget: 1500 });
    expect(output.tokens).toBeGreaterThan(1000);
    expect(tokensOf(output.text, 'o200k_base')).toBeLessThanOrEqual(1500); // counted by the test itself
    expect(output.tokens).toBe(tokensOf(output.text, 'o200k_base'));
    expect(output.tables).toContain('sls_rfnd');
    expect(output.columns).toContain('sls_rfnd.rfnd_amt');
    const older = await runCli([
      'context',
      `sqlite:${demo}`,
      'refunds by country',
      '--budget',
      '1500',
      '--model',
      'gpt-3.5-turbo',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(older.json<{ tokens: number; text: string }>().tokens).toBe(
      countTokens(older.json<{ text: string }>().text, 'cl100k_base'),
    );
    const forced = await runCli([
      'context',
      `sqlite:${demo}`,
      'refunds by country',
      '--budget',
      '900',
      '--encoding',
      'cl100k_base',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(forced.json()).toMatchObject({ model: 'gpt-4o-mini', encoding: 'cl100k_base' });
    expect(forced.json<{ tokens: number; text: string }>().tokens).toBe(
      countTokens(forced.json<{ text: string }>().text, 'cl100k_base'),
    );
    expect(tokensOf(forced.json<{ text: string }>().text, 'cl100k_base')).toBeLessThanOrEqual(900);
  });

  it('refuses options a command does not take, with its usage, and serves on any free port with --port 0', async () => {
    const refused = await runCli([
      'query',
      `sqlite:${demo}`,
      'SELECT 1',
      '--budget',
      '5',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'schemascope: invalid_input: query does not take --budget; usage: schemascope query URL SQL [--limit N] [--timeout-ms N]',
    );
    const missing = await runCli(['context', `sqlite:${demo}`, '--json', '--home', home.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/context takes 2 argument\(s\); usage: schemascope context URL QUESTION/);
    const unknown = await runCli(['constructor', '--home', home.dir]);
    expect(unknown.stderr.trim()).toBe('schemascope: invalid_input: unknown command "constructor" (see --help)');
    const badPort = await runCli(['serve', '--port', '70000', '--json', '--home', home.dir]);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toMatch(/--port must be a whole number from 0 \(any free port\) to 65535, got "70000"/);
    const serve = await startServeOnce(['serve', '--port', '0', '--json', '--home', home.dir]);
    expect(serve.port).toBeGreaterThan(0);
    expect(serve.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${serve.port}/\\?token=[\\w-]+$`));
    const page = await fetch(serve.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    await serve.stop();
  });

  it('context refuses a budget out of range, and ask without a model says what it needs', async () => {
    const small = await runCli(['context', `sqlite:${demo}`, 'x', '--budget', '50', '--json', '--home', home.dir]);
    expect(small.code).not.toBe(0);
    expect(small.stderr).toMatch(/^schemascope: invalid_input: .*The token budget must be a whole number from 100/);
    const ask = await runCli(['ask', `sqlite:${demo}`, 'x', '--json', '--home', home.dir]);
    expect(ask.code).not.toBe(0);
    expect(ask.stdout).toBe('');
    expect(ask.stderr).toMatch(/schemascope: invalid_input: ask needs a language model: --llm-model/);
  });

  it('introspect --json prints exactly one JSON object with the contract fields', async () => {
    const run = await runCli(['introspect', `sqlite:${demo}`, '--json', '--home', home.dir]);
    expect(run.code, run.stderr).toBe(0);
    const output = run.json<Record<string, number>>();
    expect(output.tables).toBeGreaterThanOrEqual(200);
    for (const field of ['views', 'columns', 'foreignKeys', 'indexes', 'queries', 'ms'])
      expect(typeof output[field], field).toBe('number');
    expect(output.queries).toBeLessThanOrEqual(6);
  });

  it('introspects MariaDB and PostgreSQL W200 with a handful of catalog queries', async () => {
    for (const url of [mysqlUrl('ss_w200'), postgresUrl('ss_w200')]) {
      const run = await runCli(['introspect', url, '--json', '--home', home.dir]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json()).toMatchObject({ tables: 200, columns: 10_000, foreignKeys: 199, queries: 4 });
    }
  });

  it('query --limit returns columns, rows, rowCount, truncated, ms', async () => {
    const run = await runCli([
      'query',
      `sqlite:${demo}`,
      'SELECT cntry_id, iso2_cd FROM ref_cntry ORDER BY cntry_id',
      '--limit',
      '3',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      columns: [{ name: 'cntry_id' }, { name: 'iso2_cd' }],
      rows: [
        [1, 'US'],
        [2, 'DE'],
        [3, 'FR'],
      ],
      rowCount: 3,
      truncated: true,
    });
  });

  it('errors are one line on stderr with their kind, and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['introspect', 'oracle://x/y', '--json'], /^schemascope: invalid_input: Unknown database engine "oracle"/],
      [['introspect', 'mysql://root:pw@127.0.0.1:1/x', '--json'], /^schemascope: unreachable: /],
      [['query', `sqlite:${demo}`, 'DELETE FROM ref_cntry', '--json'], /^schemascope: read_only_violation: /],
      [
        ['query', `sqlite:${demo}`, 'SELECT 1', '--limit', 'lots'],
        /^schemascope: invalid_input: --limit must be a positive whole number/,
      ],
      [['frobnicate'], /^schemascope: invalid_input: unknown command "frobnicate"/],
      [['introspect', '--bogus-flag'], /^schemascope: invalid_input: .*bogus-flag/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli([...args, '--home', home.dir]);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(pattern);
      expect(run.stderr).not.toContain(':pw@');
    }
  });

  it('takes a password from the environment and never writes it to disk', async () => {
    const secret = 'env-secret-7f3a';
    const run = await runCli(['introspect', mysqlUrl('ss_w200'), '--json', '--home', home.dir], {
      SCHEMASCOPE_PASSWORD: secret,
    });
    // root has no password here: a given one is refused, which proves it was used, and it must not leak
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/auth/);
    expect(run.stderr).not.toContain(secret);
    for (const file of filesUnder(home.dir)) expect(readFileSync(file).includes(secret), file).toBe(false);
  });
});

describe('the schemascope CLI: index and search', () => {
  const searchHome = tempHome();
  afterAll(searchHome.cleanup);

  it('index prints the contract fields; a second run reuses everything and sends nothing', async () => {
    const first = await runCli(['index', `sqlite:${demo}`, '--json', '--home', searchHome.dir]);
    expect(first.code, first.stderr).toBe(0);
    const output = first.json<Record<string, number>>();
    for (const field of ['tables', 'columns', 'items', 'embedded', 'reused', 'failed', 'requests', 'ms'])
      expect(typeof output[field], field).toBe('number');
    expect(output.items).toBe(output.tables! + output.columns!);
    expect(output.embedded).toBe(output.items);
    const second = (await runCli(['index', `sqlite:${demo}`, '--json', '--home', searchHome.dir])).json<
      Record<string, number>
    >();
    expect(second).toMatchObject({ embedded: 0, reused: output.items, requests: 0 });
  });

  it('search --offline answers from the index with kind, schema, table, column and score', async () => {
    const run = await runCli([
      'search',
      `sqlite:${demo}`,
      'refund amount',
      '--k',
      '5',
      '--offline',
      '--json',
      '--home',
      searchHome.dir,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { results } = run.json<{
      results: { kind: string; schema: string; table: string; column: string | null; score: number }[];
    }>();
    expect(results).toHaveLength(5);
    expect(results[0]).toMatchObject({
      kind: expect.stringMatching(/table|column/),
      schema: 'main',
      table: expect.any(String),
      score: expect.any(Number),
    });
    expect(results.some((result) => result.table === 'sls_rfnd' && result.column === 'rfnd_amt')).toBe(true);
    const none = await runCli([
      'search',
      'sqlite:/nonexistent/never.db',
      'x',
      '--offline',
      '--json',
      '--home',
      searchHome.dir,
    ]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/^schemascope: not_found: .*index/);
  });
});
