import type { BenchSection } from '../bench-report.ts';
import { PUBLIC_ENGINES, type PublicEngine } from '../public/ensure-databases.ts';
import { evaluatePublic } from '../public/evaluate.ts';
import { QUESTION_SETS } from '../public/questions.ts';
import { engineSection, loadNotes, setupLine } from '../public/report.ts';
import type { FreshProcessTimes } from '../public/fresh-process.ts';

const BUDGETS = [1000, 2000, 4000, 8000];

function freshProcessSection(times: FreshProcessTimes | undefined): string {
  if (!times) return '';
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `**A fresh process per question** (\`schemascope context URL QUESTION --offline --json --budget 4000\` on the first engine's
source, ${times.runs} runs; the prepared snapshot is loaded from the data folder, never rebuilt): engine time (question
to packed context, the CLI's \`retrieval.ms\`) median ${ms(times.engine.p50)}, p95 ${ms(times.engine.p95)}, of which loading the
prepared snapshot ${ms(times.prepare.p50)} (p95 ${ms(times.prepare.p95)}); target <= 200 ms. Apart from it, once per process: building
the o200k tokenizer ${ms(times.tokenizer.p50)} (p95 ${ms(times.tokenizer.p95)}). Wall time of the whole command ${ms(times.wall.p50)} (p95
${ms(times.wall.p95)}), mostly starting Node and loading the code.`;
}
/** Quick mode: PostgreSQL only, every third question of each set. */
const QUICK_SAMPLE = 3;

/**
 * Context quality on public data: the defog sql-eval questions, asked of a pooled source holding the 11 defog
 * databases among the 146 Spider training schemas, in PostgreSQL, MariaDB and SQLite. The product (with and without
 * its vectors) and the simplest baseline side by side, at 1k, 2k, 4k and 8k tokens.
 */
export async function retrievalPublicSuite(options: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<BenchSection> {
  const started = performance.now();
  const engines: PublicEngine[] = options.quick ? ['postgres'] : [...PUBLIC_ENGINES];
  const evaluation = await evaluatePublic({
    engines,
    budgets: BUDGETS,
    sets: QUESTION_SETS,
    systems: ['ours', 'names', 'values', 'baseline'],
    sample: options.quick ? QUICK_SAMPLE : 1,
    freshProcessRuns: options.quick ? 3 : 10,
    log: options.log,
  });
  const counted = evaluation.engines[0]!.questions;
  const count = (set: string) => counted.filter((question) => question.set === set).length;
  const minutes = (performance.now() - started) / 60_000;
  return {
    key: 'retrieval-public',
    title: 'Context quality on public data: defog questions in a pool of defog + Spider schemas',
    command: `npm run bench -- --suite retrieval-public${options.quick ? ' --quick' : ''}`,
    body: `${options.quick ? `**Quick run**: PostgreSQL only, every ${QUICK_SAMPLE}rd question of each set. ` : ''}Questions: defog sql-eval's \`questions_gen\` (${count('gen')}),
\`instruct_basic\` (${count('basic')}) and \`instruct_advanced\` (${count('advanced')}), scored against the tables and columns their gold SQL
reads (\`gold_schema_refs_postgres.jsonl\`, from PostgreSQL's dependency tracking), and \`idk\` (${count('idk')}, answerable by no table:
only what the context offers is shown). The product gets the question and, on a new line, its instructions when it has
some (an analyst types both; not for \`idk\`, whose "instruction" is the harness's refusal template). Gold may list
alternative queries: recall is that of the best alternative, and a question is complete ("strict") when every column of
any alternative is in the context. Datasets and loaders: bench/public/ (\`node bin/run-ts.mjs bench/public/score.ts --misses\`
runs this alone and lists what is missed).

${loadNotes(evaluation)}

Systems, on the same catalog snapshot: **ours** = \`contexts.build\` after indexing with the built-in local provider
(vectors + names; the built-in provider's vectors no longer take part in ranking, so this equals the next row);
**ours without vectors** = the same with \`useVectors: false\`; **ours + value profiles** = with the source's value profiles
turned on and collected (PostgreSQL statistics, else 200-row samples; off by default in the product); **baseline** = BM25 over each table's
name and column names, whole tables packed in rank order as one line each, \`schema.table(col1, ...)\`, counted with
tiktoken o200k_base plus 60 tokens for an instruction line (bench/baselines/bm25-whole-tables.ts; never used by the
product). Table recall = mean share of gold tables present; all tables = share of questions with all of them; column
recall = mean share of gold columns present; strict = share of questions with every gold column present; tokens, tables
and columns are means per answer; p50/p95 = in-process wall time per question after a warm-up; errors = calls that threw
(recorded, the run goes on). Targets (targets.md): strict >= 0.90 at 4k and >= 0.95 at 8k, table recall >= 0.98
at 4k, never lower at a larger budget, zero errors, the baseline beaten at every budget.

${evaluation.engines.map(engineSection).join('\n\n')}

${freshProcessSection(evaluation.freshProcess)}

Run time: ${minutes.toFixed(1)} min; ${setupLine(evaluation)}.`,
  };
}
