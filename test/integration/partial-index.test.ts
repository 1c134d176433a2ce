import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSchema } from '../../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempHome } from '../helpers/temp-home.ts';

const home = tempHome();
const demo = path.join(home.dir, 'demo.sqlite');
const server = new FakeOpenAiServer({ latencyMs: 2 });
let baseUrl = '';

beforeAll(async () => {
  writeSqliteDatabase(demoSchema(), demo);
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.stop();
  home.cleanup();
});

describe('an index in which some items fail', () => {
  it('exits 4 naming the failed items and their cause, and search and context still answer and say what is missing', async () => {
    // The server refuses every input that mentions the refund amount column: two documents (the column's, and none else).
    server.configure({ rejectInputs: /^column sls_rfnd\.rfnd_amt /m });
    const indexed = await runCli([
      'index',
      `sqlite:${demo}`,
      '--provider',
      'openai',
      '--base-url',
      baseUrl,
      '--api-key',
      'sk-test',
      '--model',
      'text-embedding-3-small',
      '--json',
      '--home',
      home.dir,
    ]);
    expect(indexed.code, indexed.stderr).toBe(4);
    const output = indexed.json<{
      failed: number;
      items: number;
      partial: string;
      failures: { itemId: string; reason: string }[];
    }>();
    expect(output.failed).toBe(1);
    expect(output.failures).toEqual([
      { itemId: 'column:["main","sls_rfnd","rfnd_amt"]', reason: expect.stringContaining('flagged') },
    ]);
    expect(indexed.stderr).toMatch(
      /^schemascope: partial: 1 of \d+ items failed \(first: column:\["main","sls_rfnd","rfnd_amt"\]: invalid_input: .*flagged/m,
    );
    expect(
      indexed.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('schemascope: ')),
    ).toHaveLength(1);

    // A fresh process finds the index's provider settings in the catalog; the key comes from the environment.
    const searched = await runCli(
      ['search', `sqlite:${demo}`, 'refund amount', '--offline', '--json', '--home', home.dir],
      { OPENAI_API_KEY: 'sk-test' },
    );
    expect(searched.code, searched.stderr).toBe(0);
    const found = searched.json<{
      coverage: { missing: number; total: number };
      results: { column: string | null }[];
    }>();
    expect(found.coverage).toMatchObject({ missing: 1, total: output.items });
    expect(searched.stderr).toContain(`note: 1 of ${output.items} items have no vector`);
    expect(found.results.map((result) => result.column)).not.toContain('rfnd_amt');

    const context = await runCli(
      ['context', `sqlite:${demo}`, 'refund amount by country', '--offline', '--json', '--home', home.dir],
      { OPENAI_API_KEY: 'sk-test' },
    );
    expect(context.code, context.stderr).toBe(0);
    const built = context.json<{
      columns: string[];
      retrieval: { vectors: boolean; missingVectors: number; note: string | null };
    }>();
    expect(built.retrieval).toMatchObject({ vectors: true, missingVectors: 1 });
    expect(built.retrieval.note).toContain('found by names and comments only');
    expect(built.columns).toContain('sls_rfnd.rfnd_amt'); // found by its name although it has no vector
  });
});
