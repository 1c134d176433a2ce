/**
 * The public retrieval benchmark, on its own, for tuning:
 *
 *   node bin/run-ts.mjs bench/public/score.ts [--engine postgres|mysql|sqlite|all] [--budgets 1000,2000,4000,8000]
 *     [--set gen|basic|advanced|idk|all] [--no-vectors] [--systems ours,names,values,baseline] [--json out.json] [--misses [--misses-at N]]
 *
 * Prints the score table per engine. `--misses`: every question missing a gold column at 4,000 tokens (or `--misses-at N`), its missing
 * columns and whether their table was in the context. `--no-vectors`: the product with names only (and the baseline).
 * The first call loads the databases and indexes them; later calls reuse both while the datasets, the loaders and the
 * product's introspection/indexing code are unchanged (markers with content hashes in .cache/public/), and reuse the
 * baseline's answers while the snapshot and the baseline's code are (bench/public/baseline-cache.ts). The databases
 * (`sspub` in PostgreSQL and MariaDB) are shared by every checkout on the server; SCHEMASCOPE_PUBLIC_DATABASE=sspub_NAME
 * gives this checkout its own.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PUBLIC_ENGINES, type PublicEngine } from './ensure-databases.ts';
import { evaluatePublic } from './evaluate.ts';
import { coverage } from './metrics.ts';
import { QUESTION_SETS, type QuestionSet } from './questions.ts';
import { engineSection, loadNotes, missesReport, setupLine } from './report.ts';
import type { SystemName } from './run-systems.ts';

const DEFAULT_MISSES_BUDGET = 4000;
const started = performance.now();
const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    budgets: { type: 'string', default: '1000,2000,4000,8000' },
    set: { type: 'string', default: 'all' },
    'no-vectors': { type: 'boolean', default: false },
    systems: { type: 'string' },
    json: { type: 'string' },
    misses: { type: 'boolean', default: false },
    'misses-at': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: node bin/run-ts.mjs bench/public/score.ts [--engine postgres|mysql|sqlite|all] [--budgets 1000,2000,4000,8000] [--set gen|basic|advanced|idk|all] [--no-vectors] [--json out.json] [--misses]\n`,
  );
  process.exit(2);
}
if (values.help) fail('The public retrieval benchmark (defog questions in a pool of defog + Spider schemas).');

const engines: PublicEngine[] =
  values.engine === 'all'
    ? [...PUBLIC_ENGINES]
    : values.engine
        .split(',')
        .map((name) =>
          PUBLIC_ENGINES.includes(name as PublicEngine) ? (name as PublicEngine) : fail(`Unknown engine "${name}".`),
        );
const budgets = values.budgets.split(',').map((text) => {
  const budget = Number(text);
  return Number.isInteger(budget) && budget >= 100
    ? budget
    : fail(`Budgets are whole numbers of tokens (>= 100), got "${text}".`);
});
const missesBudget = values['misses-at'] ? Number(values['misses-at']) : DEFAULT_MISSES_BUDGET;
if (!Number.isInteger(missesBudget) || missesBudget < 100) fail(`--misses-at takes a whole number of tokens (>= 100).`);
if (values.misses && !budgets.includes(missesBudget)) budgets.push(missesBudget);
budgets.sort((a, b) => a - b);
const sets: QuestionSet[] =
  values.set === 'all'
    ? [...QUESTION_SETS]
    : values.set
        .split(',')
        .map((name) =>
          QUESTION_SETS.includes(name as QuestionSet) ? (name as QuestionSet) : fail(`Unknown set "${name}".`),
        );
const ALL_SYSTEMS: readonly SystemName[] = ['ours', 'names', 'values', 'baseline'];
const systems: SystemName[] = values.systems
  ? values.systems
      .split(',')
      .map((name) =>
        ALL_SYSTEMS.includes(name as SystemName)
          ? (name as SystemName)
          : fail(`Unknown system "${name}" (${ALL_SYSTEMS.join(', ')}).`),
      )
  : values['no-vectors']
    ? ['names', 'baseline']
    : ['ours', 'names', 'baseline'];

const log = (line: string) => process.stderr.write(`[public] ${line}\n`);
const evaluation = await evaluatePublic({ engines, budgets, sets, systems, cacheBaseline: true, log }).catch(
  (error: unknown) => {
    // Setup failures (datasets folder missing, a database not reachable) are the user's to fix: the message, no stack.
    process.stderr.write(`score.ts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

const out: string[] = [loadNotes(evaluation), ...evaluation.engines.map(engineSection)];
if (values.misses) for (const engine of evaluation.engines) out.push(missesReport(engine, systems[0]!, missesBudget));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
out.push(
  `Times: ${setupLine(evaluation)}; scoring ${evaluation.engines.map((engine) => `${engine.engine} ${seconds(engine.ms)}`).join(', ')}; total ${seconds(performance.now() - started)} (plus process start).`,
);
process.stdout.write(`${out.join('\n\n')}\n`);

if (values.json) {
  const report = {
    budgets,
    sets,
    systems,
    load: {
      postgres: evaluation.loaded.postgres,
      mysql: evaluation.loaded.mysql,
      sqlite: evaluation.loaded.sqlite,
      hash: evaluation.loaded.hash,
    },
    setup: evaluation.setup,
    engines: evaluation.engines.map((engine) => ({
      engine: engine.engine,
      catalog: engine.catalog,
      gold: engine.gold,
      rows: engine.rows.map((row) => ({ ...row, strictBySet: Object.fromEntries(row.strictBySet) })),
      regressions: Object.fromEntries(engine.regressions),
      answers: engine.runs.flatMap((run) =>
        engine.questions.map((question, index) => {
          const answer = run.answers[index]!;
          const scored = question.set === 'idk' ? undefined : coverage(question, answer);
          return {
            id: question.id,
            set: question.set,
            system: run.system,
            budget: run.budget,
            tokens: answer.tokens,
            ms: Math.round(answer.ms * 10) / 10,
            tables: answer.tables.length,
            error: answer.error ?? null,
            ...(scored
              ? {
                  complete: scored.complete,
                  tableRecall: scored.tableRecall,
                  columnRecall: scored.columnRecall,
                  missing: scored.missing,
                }
              : {}),
          };
        }),
      ),
    })),
  };
  writeFileSync(values.json, `${JSON.stringify(report, null, 1)}\n`);
  log(`wrote ${values.json}`);
}
process.exit(0);
