import { ensureDemoSource } from '../../electron/engine/app/demo-source.ts';
import { WORKLOADS, workloadSchema, type WorkloadName } from '../../test/workloads/workload-schema.ts';
import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import { countTokens, encoder } from '../../electron/engine/platform/token-counter.ts';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import { tempHome } from '../../test/helpers/temp-home.ts';
import { ensureWorkload, workloadSqliteFile } from '../../test/helpers/workloads.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';
import { DEMO_ANSWER_NEEDS, type AnswerNeeds } from '../questions/answer-needs.ts';
import { DEMO_QUESTIONS } from '../questions/demo-questions.ts';

const BUDGETS = [2000, 4000, 8000];

/**
 * Questions about W200 generated from its generator's own meaning (table comments say "refund data, table 26 of
 * 200"; column comments "amount 5 of the refund"): a specific table must be found among nine near-duplicates.
 */
function workloadNeeds(name: WorkloadName, count: number): AnswerNeeds[] {
  const model = workloadSchema(WORKLOADS[name].tables, WORKLOADS[name].columns);
  const needs: AnswerNeeds[] = [];
  for (let index = 0; index < count; index += 1) {
    const t = 20 + index * 17;
    const source = model.tables[t]!;
    const [a, b] = [source.columns[5 + (index % 7)]!, source.columns[20 + (index % 11)]!];
    const entity = (source.comment ?? '').split(' data,')[0];
    const words = (comment: string | null | undefined) => (comment ?? '').split(' of the ')[0];
    needs.push({
      question: `${words(a.comment)} and ${words(b.comment)} of the ${entity} in table ${t + 1}`,
      tables: [source.name],
      columns: [`${source.name}.${a.name}`, `${source.name}.${b.name}`],
    });
  }
  return needs;
}

async function addSqlite(engine: Engine, name: string, file: string): Promise<string> {
  const { id } = engine.sources.add({ name, url: `sqlite:${file}` });
  await engine.sources.refresh(id);
  return id;
}

async function indexLocal(engine: Engine, sourceId: string): Promise<void> {
  const { job } = await engine.indexes.start(sourceId, { provider: 'local' });
  await job.done;
}

async function recall(
  engine: Engine,
  sourceId: string,
  needs: readonly AnswerNeeds[],
  budget: number,
  useVectors: boolean,
): Promise<{ tables: number; columns: number; complete: number }> {
  let tables = 0;
  let columns = 0;
  let complete = 0;
  for (const need of needs) {
    const context = await engine.contexts.build({ sourceId, question: need.question, budget, useVectors });
    const foundTables = need.tables.filter((name) => context.tables.includes(name)).length;
    const foundColumns = need.columns.filter((name) => context.columns.includes(name)).length;
    tables += foundTables / need.tables.length;
    columns += foundColumns / need.columns.length;
    if (foundTables === need.tables.length && foundColumns === need.columns.length) complete += 1;
  }
  return { tables: tables / needs.length, columns: columns / needs.length, complete: complete / needs.length };
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

/**
 * The query engine's context step: recall of needed tables and columns inside 2k/4k/8k budgets (hybrid against names
 * only, side by side), latency of retrieval + packing on W200 and W1000, and tiktoken's counting throughput.
 */
export async function queryEngineSuite(options: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<BenchSection> {
  const home = tempHome('schemascope-bench-');
  const engine = createEngine({ home: home.dir, mode: 'web' });
  const workloads: WorkloadName[] = options.quick ? ['w200'] : ['w200', 'w1000'];
  const sources = new Map<string, string>();
  try {
    const demo = ensureDemoSource(engine).sourceId;
    await engine.sources.refresh(demo);
    await indexLocal(engine, demo);
    sources.set('demo', demo);
    for (const workload of workloads) {
      await ensureWorkload(workload, options.log);
      const id = await addSqlite(engine, workload, workloadSqliteFile(workload));
      options.log(`indexing ${workload} with the local provider`);
      await indexLocal(engine, id);
      sources.set(workload, id);
    }

    // Recall inside the budget.
    const recallRows: (string | number)[][] = [];
    const sets: [string, string, readonly AnswerNeeds[]][] = [
      ['demo (204 tables)', demo, DEMO_ANSWER_NEEDS],
      ['W200 (200 tables, near-duplicates)', sources.get('w200')!, workloadNeeds('w200', 10)],
    ];
    for (const [label, sourceId, needs] of sets) {
      for (const budget of BUDGETS) {
        const hybrid = await recall(engine, sourceId, needs, budget, true);
        const names = await recall(engine, sourceId, needs, budget, false);
        recallRows.push([
          label,
          needs.length,
          budget.toLocaleString('en-US'),
          pct(hybrid.tables),
          pct(hybrid.columns),
          pct(hybrid.complete),
          `${pct(names.tables)} / ${pct(names.columns)} / ${pct(names.complete)}`,
        ]);
        options.log(
          `recall ${label} @${budget}: hybrid ${pct(hybrid.tables)}/${pct(hybrid.columns)}, names ${pct(names.tables)}/${pct(names.columns)}`,
        );
      }
    }

    // Latency of retrieval + packing (warm: the prepared snapshot is cached per snapshot id; cold shown apart).
    const latencyRows: (string | number)[][] = [];
    const questions = [
      ...DEMO_QUESTIONS.map((entry) => entry.question),
      ...DEMO_ANSWER_NEEDS.map((entry) => entry.question),
    ];
    for (const workload of workloads) {
      const sourceId = sources.get(workload)!;
      const coldStarted = performance.now();
      await engine.contexts.build({ sourceId, question: 'warm up', budget: 4000 });
      const cold = performance.now() - coldStarted;
      for (const budget of [4000, 8000]) {
        const times: number[] = [];
        let tokens = 0;
        for (const question of questions) {
          const started = performance.now();
          const context = await engine.contexts.build({ sourceId, question, budget });
          times.push(performance.now() - started);
          tokens = Math.max(tokens, context.tokens);
        }
        const target = workload === 'w200' ? 50 : 150;
        latencyRows.push([
          workload.toUpperCase(),
          budget.toLocaleString('en-US'),
          questions.length,
          ms(median(times)),
          ms(quantile(times, 0.95)),
          `<= ${target} ms`,
          quantile(times, 0.95) <= target ? 'met' : 'NOT met',
          ms(cold),
        ]);
        options.log(`${workload} @${budget}: p50 ${ms(median(times))} p95 ${ms(quantile(times, 0.95))}`);
      }
    }

    // Token counting throughput on real schema text, and how wrong the predecessor's chars/4 guess is.
    const text = (
      await engine.contexts.build({
        sourceId: sources.get(workloads.at(-1)!)!,
        question: 'amount and date of the refund',
        budget: 100_000,
      })
    ).text;
    const tokenRows: (string | number)[][] = [];
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      encoder(encoding);
      const runs: number[] = [];
      let tokens = 0;
      for (let run = 0; run < 5; run += 1) {
        const started = performance.now();
        tokens = countTokens(text, encoding);
        runs.push(performance.now() - started);
      }
      const guess = Math.round(text.length / 4);
      const perLine = (() => {
        const lines = text.split('\n');
        const started = performance.now();
        for (const line of lines) countTokens(`${line}\n`, encoding);
        return { lines: lines.length, ms: performance.now() - started };
      })();
      tokenRows.push([
        encoding,
        `${(text.length / 1024).toFixed(0)} KB`,
        tokens.toLocaleString('en-US'),
        `${(((tokens / median(runs)) * 1000) / 1e6).toFixed(2)} M tokens/s`,
        `${Math.round(perLine.lines / (perLine.ms / 1000)).toLocaleString('en-US')} lines/s`,
        `${guess.toLocaleString('en-US')} (${guess > tokens ? '+' : ''}${Math.round(((guess - tokens) / tokens) * 100)}%)`,
      ]);
    }

    return {
      key: 'query-engine',
      title: 'Query engine: recall inside the token budget, retrieval + packing latency, token counting',
      command: `npm run bench -- --suite query-engine${options.quick ? ' --quick' : ''}`,
      body: `Sources are SQLite copies of the demo database and the workloads, indexed with the built-in offline provider.
Every context is packed under the budget and counted exactly with tiktoken (o200k_base, gpt-4o-mini).

**Recall inside the budget.** Questions with every table and column their SQL needs, joins included
(bench/questions/answer-needs.ts, written from the schema's meaning; W200's are generated from its own comments and
must find one table among nine near-duplicates). "complete" = all needed tables and columns in the prompt. The last
column is the same run with names and comments only (BM25, no vectors), for comparison.

${table(['schema', 'questions', 'budget', 'tables found', 'columns found', 'complete', 'names only: tables / columns / complete'], recallRows)}

**Retrieval + packing latency** (question in, packed prompt out: query embedding, vector search, BM25, join paths,
exact packing). Warm = the snapshot's BM25 index and join graph are built (once per snapshot, LRU of 3); the cold
first call (catalog read + building them) is shown apart.

${table(['workload', 'budget', 'questions', 'p50', 'p95', 'target (p95)', '', 'cold first call'], latencyRows)}

**Token counting** (tiktoken, WASM) on a ${(text.length / 1024).toFixed(0)} KB packed schema prompt; the last column is
the predecessor's chars/4 guess and its error against the exact count.

${table(['encoding', 'text', 'exact tokens', 'whole text', 'line by line (as the packer counts)', 'chars/4 guess'], tokenRows)}`,
    };
  } finally {
    await engine.close();
    home.cleanup();
  }
}
