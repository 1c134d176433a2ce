import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifierIfNeeded, type SqlEngine } from '../../shared/sql-identifiers.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { engineFixture } from '../helpers/engine-fixture.ts';
import { hostileSchema, type HostileSchema, type HostileTable } from '../helpers/hostile-schema.ts';
import { createHostileDatabase } from '../helpers/hostile-databases.ts';

/**
 * Any identifier works: generated hostile schemas (Object.prototype names, reserved words, non-ASCII, quotes, dots,
 * spaces, names at the engines' length limits; hostile database, schema and comment text too) go through
 * introspect -> index -> search -> context -> ask (run) -> value profiles -> sample, on each engine's real server.
 *
 * Bounded for CI: HOSTILE_RUNS runs per engine (default 8; about 20 s for all three) from a fixed seed (HOSTILE_SEED, default below), so a
 * failure is reproducible; fast-check shrinks it to the smallest schema that still fails and prints it.
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 8);
const SEED = Number(process.env.HOSTILE_SEED ?? 20261130);

const fixture = engineFixture();
const { engine } = fixture;
const fake = new FakeOpenAiServer({ latencyMs: 0, chatChunkDelayMs: 0 });
let reply = 'SELECT 1';
const prompts: string[] = [];
const sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'ss-hostile-'));

beforeAll(async () => {
  fake.configure({
    chat: (messages) => {
      prompts.push(messages.map((message) => message.content).join('\n'));
      return reply;
    },
  });
  await fake.start();
});

afterAll(async () => {
  await fake.stop();
  await fixture.close();
  rmSync(sqliteDir, { recursive: true, force: true });
});

/** The whole path for one generated schema; every expectation names what broke. */
async function roundTrip(schema: HostileSchema): Promise<void> {
  const { url, drop } = await createHostileDatabase(schema, sqliteDir);
  const source = engine.sources.add({ name: `hostile ${schema.database}`, url });
  try {
    const sourceId = source.id;
    const tables = [schema.parent, schema.child];

    // Introspect: every name and comment exactly as written.
    await engine.handlers['schema/refresh']({ sourceId }, {});
    const listed = await engine.handlers['schema/tables']({ sourceId }, {});
    expect(listed.tables.map((table) => [table.schema, table.name]).sort()).toEqual(
      tables.map((table) => [table.schema, table.name]).sort(),
    );
    for (const expected of tables) {
      const { table, incoming } = await engine.handlers['schema/table'](
        { sourceId, schema: expected.schema, table: expected.name },
        {},
      );
      expect(table.columns.map((column) => column.name)).toEqual(expected.columns.map((column) => column.name));
      expect(table.columns.map((column) => column.comment)).toEqual(expected.columns.map((column) => column.comment));
      expect(table.comment).toBe(expected.comment);
      expect(table.primaryKey).toEqual([expected.columns[0]!.name]);
      if (expected === schema.child)
        expect(table.foreignKeys.map((fk) => [fk.columns, fk.refSchema, fk.refTable, fk.refColumns])).toEqual([
          [[expected.columns[2]!.name], schema.parent.schema, schema.parent.name, [schema.parent.columns[0]!.name]],
        ]);
      else
        expect(incoming.map((entry) => [entry.schema, entry.table])).toEqual([
          [schema.child.schema, schema.child.name],
        ]);
    }

    // Index with the offline provider: nothing may fail.
    const started = await engine.indexes.start(sourceId, { provider: 'local' });
    const summary = await started.job.done;
    expect({ state: summary.state, failed: summary.failed, failures: summary.failures }).toEqual({
      state: 'done',
      failed: 0,
      failures: [],
    });

    // Search: every table and column comes back under its exact names.
    const items = tables.flatMap((table) => [
      [table.schema, table.name, null],
      ...table.columns.map((column) => [table.schema, table.name, column.name]),
    ]);
    const question = `${schema.parent.name} ${schema.parent.columns[1]!.name} ${schema.parent.comment ?? ''} ${schema.values[0]}`;
    const found = await engine.handlers['search/query']({ sourceId, text: question, k: 50 }, {});
    expect(found.results.map((result) => [result.schema, result.table, result.column]).sort()).toEqual(items.sort());
    expect(found.results.every((result) => Number.isFinite(result.score))).toBe(true);

    // Context: both tables, each written as SQL that finds it, with every column quoted as that dialect needs.
    const context = await engine.handlers['context/build']({ sourceId, question, budget: 4000 }, {});
    expect(context.omitted.tables).toBe(0);
    for (const table of tables) {
      expect(context.text).toContain(`${sqlName(schema, table)}(`);
      for (const column of table.columns)
        expect(context.text).toContain(quoteIdentifierIfNeeded(schema.engine, column.name));
    }

    // Ask and run: the model writes SQL with the names the context gave it; the rows come back under those names.
    const parent = schema.parent;
    const [key, label] = [parent.columns[0]!.name, parent.columns[1]!.name];
    reply = `Here:\n\`\`\`sql\nSELECT ${quoteIdentifierIfNeeded(schema.engine, key)}, ${quoteIdentifierIfNeeded(schema.engine, label)} FROM ${sqlName(schema, parent)} ORDER BY 1\n\`\`\``;
    prompts.length = 0;
    const asked = await engine.handlers['ask/start'](
      {
        askId: crypto.randomUUID(),
        sourceId,
        question,
        run: true,
        llm: { baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: 'sk-test' },
      },
      {},
    );
    expect(asked.refusal).toBeNull();
    expect(prompts[0]).toContain(sqlName(schema, parent));
    expect(asked.result!.columns.map((column) => column.name)).toEqual([key, label]);
    expect(asked.result!.rows).toEqual([
      [1, schema.values[0]],
      [2, schema.values[1]],
    ]);

    // Value profiles: collected (the SQL they write finds every table) and kept under the exact names.
    await engine.handlers['values/set']({ sourceId, enabled: true }, {});
    const profiled = await engine.handlers['values/collect']({ sourceId }, {});
    expect(profiled.firstError).toBeNull();
    expect(profiled.skipped).toBe(0);

    // The table detail's sample reads every table.
    for (const table of tables) {
      const sample = await engine.handlers['schema/sample']({ sourceId, schema: table.schema, table: table.name }, {});
      expect(sample.columns.map((column) => column.name)).toEqual(table.columns.map((column) => column.name));
    }
  } finally {
    engine.sources.remove(source.id);
    await drop();
  }
}

/** How the context names a table: qualified where an unqualified name would not find it, or with several schemas. */
function sqlName(schema: HostileSchema, table: HostileTable): string {
  const several = schema.parent.schema !== schema.child.schema;
  const q = (identifier: string) => quoteIdentifierIfNeeded(schema.engine, identifier);
  const qualified = several || (schema.engine === 'postgres' && table.schema !== 'public');
  return qualified ? `${q(table.schema)}.${q(table.name)}` : q(table.name);
}

describe.each(['sqlite', 'mysql', 'postgres'] as const satisfies readonly SqlEngine[])(
  'any identifier works (%s)',
  (engineName) => {
    it(`introspects, indexes, searches, packs, asks, profiles and samples generated hostile schemas (${RUNS} runs, seed ${SEED})`, async () => {
      await fc.assert(fc.asyncProperty(hostileSchema(engineName), roundTrip), { numRuns: RUNS, seed: SEED });
    });
  },
);
