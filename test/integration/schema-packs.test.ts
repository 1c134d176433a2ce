import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSchema } from '../../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MARIADB, mysqlUrl, POSTGRES } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

const PG_DB = 'ss_knowledge_pg';
const MY_DB = 'ss_knowledge_my';
const files = tempHome('schemascope-packs-');
const alice = tempHome();
const bob = tempHome();
const team = path.join(files.dir, 'team.sqlite');
const away = `${team}.away`;
const pack = path.join(files.dir, 'team.sspack');
const url = `sqlite:${team}`;
const fake = new FakeOpenAiServer({ latencyMs: 5, chatChunkDelayMs: 1 });
const prompts: string[] = [];
const churnQuestion = 'Which accounts churned last quarter?';
const churnSql =
  'SELECT c.cust_nm FROM sls_cust c WHERE NOT EXISTS (SELECT 1 FROM sls_ord_hdr h WHERE h.cust_id = c.cust_id)';

const cli = (home: string, ...args: string[]) => runCli([...args, '--json', '--home', home]);

/** Everything an import could change in a catalog, as one hash. */
function catalogDigest(home: string): string {
  const db = new Database(path.join(home, 'catalog.db'), { readonly: true });
  const hash = createHash('sha256');
  for (const table of [
    'sources',
    'snapshots',
    'knowledge_notes',
    'knowledge_glossary',
    'knowledge_examples',
    'value_profiles',
    'settings',
  ]) {
    hash.update(JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()));
  }
  for (const table of ['catalog_tables', 'catalog_columns', 'catalog_foreign_keys', 'catalog_indexes'])
    hash.update(JSON.stringify(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()));
  db.close();
  return hash.digest('hex');
}

/** A pack written by hand: the header names these bytes and their checksum unless told otherwise. */
function handWritten(body: string, header: Record<string, unknown> = {}): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head = {
    format: 'schemascope-pack',
    version: 1,
    payloadBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...header,
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), bytes]);
}

function pgClient(database: string): pg.Client {
  return new pg.Client({ ...POSTGRES, database });
}

beforeAll(async () => {
  writeSqliteDatabase(demoSchema(), team);
  fake.configure({
    chat: (messages) => {
      prompts.push(messages.map((message) => message.content).join('\n'));
      return '```sql\nSELECT count(*) FROM sls_cust\n```';
    },
  });
  await fake.start();
  const admin = pgClient('postgres');
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${PG_DB}`);
  await admin.end();
  const client = pgClient(PG_DB);
  await client.connect();
  await client.query('CREATE SCHEMA sales; CREATE SCHEMA hr');
  await client.query('CREATE TABLE sales.orders (id INT PRIMARY KEY, total NUMERIC, region TEXT)');
  await client.query(
    "INSERT INTO sales.orders SELECT g, g * 10, CASE WHEN g % 2 = 0 THEN 'Narnia North' ELSE 'Gondor West' END FROM generate_series(1, 40) g",
  );
  await client.query('CREATE TABLE hr.orders (id INT PRIMARY KEY)');
  await client.query('CREATE TABLE hr.emp (id INT PRIMARY KEY, nm TEXT)');
  await client.query('ANALYZE');
  await client.end();
  const my = await mysql.createConnection({ ...MARIADB });
  await my.query(`DROP DATABASE IF EXISTS ${MY_DB}`);
  await my.query(`CREATE DATABASE ${MY_DB}`);
  await my.query(`CREATE TABLE ${MY_DB}.\`acct.v2\` (id INT PRIMARY KEY, \`amt.2\` DECIMAL(10,2))`);
  await my.end();
});

afterAll(async () => {
  await fake.stop();
  const admin = pgClient('postgres');
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
  await admin.end();
  const my = await mysql.createConnection({ ...MARIADB });
  await my.query(`DROP DATABASE IF EXISTS ${MY_DB}`);
  await my.end();
  for (const home of [files, alice, bob]) home.cleanup();
});

describe('schema packs', () => {
  it('exports the snapshot with notes, glossary and examples; a colleague imports it and browses, searches and asks without connecting', async () => {
    expect(
      (await cli(alice.dir, 'note', 'set', url, 'sls_rfnd.rfnd_amt', 'Refund in the currency of the order')).code,
    ).toBe(0);
    expect((await cli(alice.dir, 'example', 'add', url, churnQuestion, churnSql)).code).toBe(0);
    const exported = await cli(alice.dir, 'pack', 'export', url, pack);
    expect(exported.code, exported.stderr).toBe(0);
    const summary = exported.json<{
      file: string;
      tables: number;
      columns: number;
      notes: number;
      examples: number;
      checksum: string;
      values: number;
    }>();
    expect(summary).toMatchObject({ file: pack, notes: 1, examples: 1, values: 0 });
    expect(summary.tables).toBe(demoSchema().tables.length + demoSchema().views.length);
    expect(summary.columns).toBeGreaterThan(500);
    expect(summary.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(pack, 'utf8').split('\n')[0]).toBe(
      JSON.stringify({
        format: 'schemascope-pack',
        version: 1,
        payloadBytes: readFileSync(pack).length - readFileSync(pack, 'utf8').indexOf('\n') - 1,
        sha256: summary.checksum,
      }),
    );

    // The database goes away: anything that tried to connect would fail from here on.
    renameSync(team, away);
    try {
      await colleagueWorksOffline(summary);
    } finally {
      renameSync(away, team);
    }
  });

  async function colleagueWorksOffline(summary: { tables: number; columns: number; checksum: string }): Promise<void> {
    const imported = await cli(bob.dir, 'pack', 'import', pack);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({
      existing: false,
      tables: summary.tables,
      columns: summary.columns,
      notes: 1,
      examples: 1,
      checksum: summary.checksum,
      source: { url },
    });
    const notes = await cli(bob.dir, 'note', 'list', url);
    expect(notes.json<{ notes: { object: string; attached: boolean }[] }>().notes).toMatchObject([
      { object: 'sls_rfnd.rfnd_amt', attached: true },
    ]);

    const context = await cli(
      bob.dir,
      'context',
      url,
      'How many accounts churned in EMEA this year?',
      '--budget',
      '1200',
      '--offline',
    );
    expect(context.code, context.stderr).toBe(0);
    // The imported example's tables lead (`cust_acct` may stay beside them: the question does say "accounts").
    const tables = context.json<{ tables: string[] }>().tables;
    expect(tables[0]).toBe('sls_cust');
    expect(tables.slice(0, 3)).toContain('sls_ord_hdr');
    const indexed = await cli(bob.dir, 'index', url, '--offline');
    expect(indexed.code, indexed.stderr).toBe(0);
    const search = await cli(bob.dir, 'search', url, 'refund amount', '--offline');
    expect(search.code, search.stderr).toBe(0);
    expect(
      search
        .json<{ results: { table: string }[] }>()
        .results.slice(0, 5)
        .map((result) => result.table),
    ).toContain('sls_rfnd');
    const asked = await cli(
      bob.dir,
      'ask',
      url,
      'How many accounts churned in EMEA this year?',
      '--offline',
      '--llm-base-url',
      fake.url,
      '--llm-model',
      'gpt-4o-mini',
    );
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.json<{ sql: string }>().sql).toBe('SELECT count(*) FROM sls_cust');
    expect(prompts.at(-1)).toContain(`example question "${churnQuestion}"`);

    // Browsing in the app reads the imported snapshot.
    const engine = createEngine({ home: bob.dir, mode: 'web' });
    try {
      const listed = (await dispatch(engine.handlers, 'sources/list', {})) as {
        ok: true;
        value: { sources: { id: string; displayUrl: string }[] };
      };
      const sourceId = listed.value.sources.find((source) => source.displayUrl === url)!.id;
      const tables = await dispatch(engine.handlers, 'schema/tables', { sourceId });
      expect(tables).toMatchObject({ ok: true, value: { snapshot: { offline: false } } });
      expect((tables as { value: { tables: unknown[] } }).value.tables).toHaveLength(summary.tables);
      const table = await dispatch(engine.handlers, 'schema/table', { sourceId, schema: 'main', table: 'sls_rfnd' });
      expect(table).toMatchObject({ ok: true, value: { table: { name: 'sls_rfnd' } } });
    } finally {
      await engine.close();
    }
    expect(existsSync(team)).toBe(false);
  }

  it('importing into a catalog that has the source shows the diff against its snapshot', async () => {
    const db = new Database(team);
    db.exec('CREATE TABLE new_tbl (id INTEGER PRIMARY KEY); DROP TABLE sls_quote_ln;');
    db.close();
    expect((await cli(alice.dir, 'introspect', url)).code).toBe(0);
    const imported = await cli(alice.dir, 'pack', 'import', pack);
    expect(imported.code, imported.stderr).toBe(0);
    const result = imported.json<{
      existing: boolean;
      diff: { added: string[]; removed: string[]; changed: string[]; unchanged: number };
    }>();
    expect(result.existing).toBe(true);
    expect(result.diff.added).toEqual(['main.sls_quote_ln']);
    expect(result.diff.removed).toEqual(['main.new_tbl']);
    expect(result.diff.changed).toEqual([]);
    expect(imported.stderr).toContain('diff against the existing snapshot: 1 added, 1 removed, 0 changed');
    // The same notes and examples again are merged, not doubled.
    const examples = await cli(alice.dir, 'example', 'list', url);
    expect(examples.json<{ examples: unknown[] }>().examples).toHaveLength(1);
  });

  it('carries the vectors of a named provider: the colleague searches at once without indexing; a pack missing a vector is refused', async () => {
    const carol = tempHome();
    const indexed = await cli(alice.dir, 'index', url);
    expect(indexed.code, indexed.stderr).toBe(0);
    const { provider, items } = indexed.json<{ provider: string; items: number }>();
    const withVectors = path.join(files.dir, 'with-vectors.sspack');
    const unknown = await cli(alice.dir, 'pack', 'export', url, withVectors, '--vectors', 'openai:nowhere:model:3');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain(`no index of provider "openai:nowhere:model:3"`);
    expect(unknown.stderr).toContain(provider); // names the indexes there are
    const exported = await cli(alice.dir, 'pack', 'export', url, withVectors, '--vectors', provider);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json()).toMatchObject({ vectors: { provider, items } });
    const aliceSearch = (await cli(alice.dir, 'search', url, 'refund amount', '--offline')).json<{
      results: unknown[];
    }>().results;

    renameSync(team, away);
    try {
      const imported = await cli(carol.dir, 'pack', 'import', withVectors);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.json()).toMatchObject({ vectors: { provider, items } });
      const search = await cli(carol.dir, 'search', url, 'refund amount', '--offline');
      expect(search.code, search.stderr).toBe(0);
      expect(search.stderr).not.toContain('indexing it'); // the pack's index answered: nothing was embedded here
      expect(search.json<{ providerId: string; results: unknown[] }>()).toMatchObject({
        providerId: provider,
        results: aliceSearch,
      });
    } finally {
      renameSync(away, team);
      carol.cleanup();
    }

    const good = readFileSync(withVectors);
    const payload = JSON.parse(good.subarray(good.indexOf(0x0a) + 1).toString('utf8')) as {
      vectors: { vectors: { key: string; data: string }[] };
    };
    const before = catalogDigest(alice.dir);
    const missing = structuredClone(payload);
    missing.vectors.vectors.pop();
    const short = structuredClone(payload);
    short.vectors.vectors[0]!.data = short.vectors.vectors[0]!.data.slice(8);
    for (const [name, body, message] of [
      ['missing', missing, /its vectors miss the vector of/],
      ['short', short, /that is not \d+ floats/],
    ] as const) {
      const file = path.join(files.dir, `vectors-${name}.sspack`);
      writeFileSync(file, handWritten(JSON.stringify(body)));
      const run = await cli(alice.dir, 'pack', 'import', file);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toMatch(message);
      expect(catalogDigest(alice.dir), name).toBe(before);
    }
  });

  it('refuses bad packs with a clear error, the catalog unchanged', async () => {
    const good = readFileSync(pack);
    const newline = good.indexOf(0x0a);
    const body = good.subarray(newline + 1).toString('utf8');
    const flipped = Buffer.from(good);
    flipped[newline + 100] = flipped[newline + 100]! ^ 0x01;
    const manyExamples = JSON.stringify({
      ...JSON.parse(body),
      examples: Array.from({ length: 5000 }, (_, index) => ({ question: `q${index}`, sql: `SELECT ${index}` })),
    });
    const bad: [string, Buffer, RegExp][] = [
      ['checksum', flipped, /checksum does not match its content/],
      ['newer', handWritten(body, { version: 7 }), /pack format 7 by a newer Schemascope; this one reads format 1/],
      [
        'truncated',
        good.subarray(0, good.length - 5000),
        /it is truncated: the header promises \d+ bytes of content, the file holds \d+/,
      ],
      [
        'proto',
        handWritten(body.replace('"notes":[', '"__proto__":{"isAdmin":true},"notes":[')),
        /holds the key "__proto__"/,
      ],
      [
        'constructor',
        handWritten(body.replace('"examples":[{', '"examples":[{"constructor":{"prototype":1},')),
        /holds the key "(constructor|prototype)"/,
      ],
      [
        'huge',
        handWritten(body.replace('Refund in the currency of the order', 'z'.repeat(100_000))),
        /notes\.0\.text is too large/,
      ],
      [
        'path',
        handWritten(body.replace(/"source":\{"name":"[^"]*"/, '"source":{"name":"..\\\\..\\\\Windows\\\\evil"')),
        /source\.name is path-like/,
      ],
      ['not a pack', Buffer.from('PK\u0003\u0004 zip bytes'), /not a schema pack/],
      // Passes every check of the file, then the catalog's own limit refuses it: the transaction leaves nothing behind.
      ['over the limit', handWritten(manyExamples), /A source keeps at most 5000 examples/],
    ];
    const before = catalogDigest(alice.dir);
    for (const [name, bytes, message] of bad) {
      const file = path.join(files.dir, `${name}.sspack`);
      writeFileSync(file, bytes);
      const run = await cli(alice.dir, 'pack', 'import', file);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toMatch(/^schemascope: invalid_input: /);
      expect(run.stderr, name).toMatch(message);
      expect(run.stdout, name).toBe('');
      expect(catalogDigest(alice.dir), name).toBe(before);
    }
  });

  it('never carries credentials; example values only when profiles are on and the user includes them; schema.table[.column] with several schemas', async () => {
    const password = 's3cret-knowledge';
    const pgUrl = `postgres://${POSTGRES.user}:${password}@${POSTGRES.host}:${POSTGRES.port}/${PG_DB}`;
    const home = alice.dir;
    const note = await cli(home, 'note', 'set', pgUrl, 'sales.orders.total', 'Gross total incl. tax');
    expect(note.code, note.stderr).toBe(0);
    expect(note.json()).toMatchObject({
      note: { schema: 'sales', table: 'orders', column: 'total', object: 'sales.orders.total' },
    });
    const ambiguous = await cli(home, 'note', 'set', pgUrl, 'orders', 'x');
    expect(ambiguous.stderr).toMatch(/Several schemas have a table "orders" \(hr, sales\): write schema\.table/);
    const file = path.join(files.dir, 'pg.sspack');
    const refused = await cli(home, 'pack', 'export', pgUrl, file, '--include-values');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Value profiles are off for this source/);
    expect(existsSync(file)).toBe(false);

    expect((await cli(home, 'introspect', pgUrl, '--values', 'on')).code).toBe(0);
    const without = await cli(home, 'pack', 'export', pgUrl, file);
    expect(without.json()).toMatchObject({ values: 0, notes: 1 });
    let text = readFileSync(file, 'utf8');
    expect(text).not.toContain('Narnia North');
    expect(text).not.toContain(password);
    expect(text).not.toContain(`${POSTGRES.user}@`);
    expect(text).toContain(`"displayUrl":"postgres://${POSTGRES.host}:${POSTGRES.port}/${PG_DB}"`);

    const withValues = await cli(home, 'pack', 'export', pgUrl, file, '--include-values');
    expect(withValues.code, withValues.stderr).toBe(0);
    expect(withValues.json<{ values: number }>().values).toBeGreaterThan(0);
    text = readFileSync(file, 'utf8');
    expect(text).toContain('Narnia North');
    expect(text).not.toContain(password);

    // The colleague's own URL (with a user) finds the imported source, and asks offline with its example values.
    const imported = await cli(bob.dir, 'pack', 'import', file);
    expect(imported.json()).toMatchObject({ existing: false, values: withValues.json<{ values: number }>().values });
    const context = await cli(
      bob.dir,
      'context',
      `postgres://someone@${POSTGRES.host}:${POSTGRES.port}/${PG_DB}`,
      'orders in Narnia North',
      '--offline',
    );
    expect(context.code, context.stderr).toBe(0);
    expect(context.json<{ text: string }>().text).toContain('"Narnia North"');
    expect(context.json<{ text: string }>().text).toContain('sales.orders.total team note: "Gross total incl. tax"');
  });

  it('MariaDB: a table and a column with dots in their names take notes, found unquoted or quoted', async () => {
    const myUrl = mysqlUrl(MY_DB);
    const unquoted = await cli(alice.dir, 'note', 'set', myUrl, 'acct.v2.amt.2', 'Amount, second revision');
    expect(unquoted.code, unquoted.stderr).toBe(0);
    expect(unquoted.json()).toMatchObject({ note: { table: 'acct.v2', column: 'amt.2', object: '"acct.v2"."amt.2"' } });
    const removed = await cli(alice.dir, 'note', 'rm', myUrl, '"acct.v2"."amt.2"');
    expect(removed.json()).toEqual({ removed: true, object: '"acct.v2"."amt.2"' });
  });
});
