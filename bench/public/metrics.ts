import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import type { ResolvedQuestion } from './gold-names.ts';
import type { QuestionSet } from './questions.ts';
import type { Answer, SystemName, SystemRun } from './run-systems.ts';

/** How one answer covers one question's gold, judged on its best alternative. */
export interface Coverage {
  readonly tableRecall: number;
  readonly columnRecall: number;
  readonly allTables: boolean;
  /** Every gold column of some alternative is in the context. */
  readonly complete: boolean;
  /** The best alternative's columns that are not in the context, and whether each one's table is. */
  readonly missing: readonly { readonly column: string; readonly tableInContext: boolean }[];
}

export interface RowMetrics {
  readonly system: SystemName;
  readonly budget: number;
  readonly questions: number;
  readonly tableRecall: number;
  readonly allTables: number;
  readonly columnRecall: number;
  readonly strict: number;
  readonly strictBySet: ReadonlyMap<QuestionSet, number>;
  readonly tablesPerAnswer: number;
  readonly columnsPerAnswer: number;
  readonly tokens: number;
  readonly p50: number;
  readonly p95: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Product answers built without the vector ranking (should be 0 for `ours`). */
  readonly withoutVectors: number;
  /** `idk` questions: what the context offers. */
  readonly idk: { readonly questions: number; readonly tables: number; readonly tokens: number };
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The best alternative is the one with the highest column recall (then table recall); a question is complete when any
 * alternative's columns are all present (that alternative then is the best one).
 */
export function coverage(question: ResolvedQuestion, answer: Answer): Coverage {
  const tables = new Set(answer.tables);
  const columns = new Set(answer.columns);
  let best: Coverage | undefined;
  for (const gold of question.gold) {
    const tablesFound = gold.tables.filter((table) => tables.has(table)).length;
    const missingColumns = gold.columns.filter((column) => !columns.has(column));
    const candidate: Coverage = {
      tableRecall: tablesFound / gold.tables.length,
      columnRecall: (gold.columns.length - missingColumns.length) / gold.columns.length,
      allTables: tablesFound === gold.tables.length,
      complete: missingColumns.length === 0,
      missing: missingColumns.map((column) => ({
        column,
        tableInContext: tables.has(column.slice(0, column.lastIndexOf('.'))),
      })),
    };
    if (
      !best ||
      candidate.columnRecall > best.columnRecall ||
      (candidate.columnRecall === best.columnRecall && candidate.tableRecall > best.tableRecall)
    )
      best = candidate;
  }
  if (!best) throw new Error(`Question ${question.id} has no gold alternative.`);
  return best;
}

export function rowMetrics(run: SystemRun, questions: readonly ResolvedQuestion[]): RowMetrics {
  const scored = questions
    .map((question, index) => ({ question, answer: run.answers[index]! }))
    .filter(({ question }) => question.set !== 'idk');
  const idk = questions
    .map((question, index) => ({ question, answer: run.answers[index]! }))
    .filter(({ question }) => question.set === 'idk');
  const covered = scored.map(({ question, answer }) => ({ question, answer, coverage: coverage(question, answer) }));
  const strictBySet = new Map<QuestionSet, number>();
  for (const set of ['gen', 'basic', 'advanced'] as const) {
    const inSet = covered.filter(({ question }) => question.set === set);
    if (inSet.length > 0) strictBySet.set(set, mean(inSet.map(({ coverage: c }) => (c.complete ? 1 : 0))));
  }
  const all = run.answers;
  const times = all.filter((answer) => !answer.error).map((answer) => answer.ms);
  const errors = all.filter((answer) => answer.error);
  return {
    system: run.system,
    budget: run.budget,
    questions: scored.length,
    tableRecall: mean(covered.map(({ coverage: c }) => c.tableRecall)),
    allTables: mean(covered.map(({ coverage: c }) => (c.allTables ? 1 : 0))),
    columnRecall: mean(covered.map(({ coverage: c }) => c.columnRecall)),
    strict: mean(covered.map(({ coverage: c }) => (c.complete ? 1 : 0))),
    strictBySet,
    tablesPerAnswer: mean(scored.map(({ answer }) => answer.tables.length)),
    columnsPerAnswer: mean(scored.map(({ answer }) => answer.columns.length)),
    tokens: mean(scored.map(({ answer }) => answer.tokens)),
    p50: median(times),
    p95: quantile(times, 0.95),
    errors: errors.length,
    firstError: errors[0]?.error ?? null,
    withoutVectors:
      run.system === 'ours' ? all.filter((answer) => !answer.error && answer.vectors === false).length : 0,
    idk: {
      questions: idk.length,
      tables: mean(idk.map(({ answer }) => answer.tables.length)),
      tokens: mean(idk.map(({ answer }) => answer.tokens)),
    },
  };
}

/** Questions complete at a budget but not at a larger one, per system (the target says a larger budget never lowers recall). */
export function budgetRegressions(
  runs: readonly SystemRun[],
  questions: readonly ResolvedQuestion[],
): Map<SystemName, string[]> {
  const regressions = new Map<SystemName, string[]>();
  for (const system of new Set(runs.map((run) => run.system))) {
    const ordered = runs.filter((run) => run.system === system).sort((a, b) => a.budget - b.budget);
    const lost: string[] = [];
    questions.forEach((question, index) => {
      if (question.set === 'idk') return;
      for (let at = 1; at < ordered.length; at += 1) {
        const smaller = coverage(question, ordered[at - 1]!.answers[index]!);
        const larger = coverage(question, ordered[at]!.answers[index]!);
        if (smaller.complete && !larger.complete)
          lost.push(`${question.id} (${ordered[at - 1]!.budget} -> ${ordered[at]!.budget})`);
      }
    });
    regressions.set(system, lost);
  }
  return regressions;
}
