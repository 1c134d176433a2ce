import type { Engine } from '../../electron/engine/app/engine.ts';
import { bm25WholeTables } from '../baselines/bm25-whole-tables.ts';
import { BaselineCache } from './baseline-cache.ts';
import type { ResolvedQuestion } from './gold-names.ts';

/** `ours`: the product with its search index (vectors + names); `names`: the product with `useVectors: false`. */
export type SystemName = 'ours' | 'names' | 'values' | 'baseline';
export const SYSTEM_LABELS: Record<SystemName, string> = {
  ours: 'ours (vectors + names)',
  names: 'ours without vectors',
  values: 'ours + value profiles',
  baseline: 'baseline: BM25 whole tables',
};

export interface Answer {
  readonly tables: readonly string[];
  readonly columns: readonly string[];
  readonly tokens: number;
  /** In-process wall time of the call, question in, packed context out. */
  readonly ms: number;
  readonly error?: string;
  /** The product only: whether the vector ranking took part. */
  readonly vectors?: boolean;
}

export interface SystemRun {
  readonly system: SystemName;
  readonly budget: number;
  readonly answers: readonly Answer[];
  /** Answers taken from the baseline cache (score.ts only), with the times of the run that computed them. */
  readonly cached: number;
}

type Ask = (question: string, budget: number) => Promise<Omit<Answer, 'ms'>>;

/** Each system answers every question at every budget; a thrown error is recorded as that answer, never fatal. */
export async function runSystems(options: {
  readonly engine: Engine;
  readonly sourceId: string;
  readonly questions: readonly ResolvedQuestion[];
  readonly budgets: readonly number[];
  readonly systems: readonly SystemName[];
  /** Keep the baseline's answers in .cache/public/baseline-<name>.json between runs (see BaselineCache). */
  readonly baselineCache?: string;
  readonly log: (line: string) => void;
}): Promise<SystemRun[]> {
  const { engine, sourceId } = options;
  const product =
    (useVectors: boolean): Ask =>
    async (question, budget) => {
      const context = await engine.contexts.build({ sourceId, question, budget, useVectors });
      return {
        tables: context.tables,
        columns: context.columns,
        tokens: context.tokens,
        vectors: context.retrieval.vectors,
      };
    };
  // The baseline reads the snapshot the product answers from (the source's latest), loaded the way the product loads it.
  const { record } = await engine.sources.snapshot(sourceId);
  const tables = engine.catalog.loadSnapshot(record.id).tables;
  const baseline = bm25WholeTables(tables);
  const cache =
    options.baselineCache && options.systems.includes('baseline')
      ? new BaselineCache(options.baselineCache, tables)
      : undefined;
  const asks: Record<SystemName, Ask> = {
    ours: product(true),
    names: product(false),
    values: product(true),
    baseline: async (question, budget) => baseline(question, budget),
  };

  const runs: SystemRun[] = [];
  for (const system of options.systems) {
    const ask = asks[system];
    // Value profiles are on only for the `values` system: collected afresh (statistics or samples), off afterwards.
    if (system === 'values') {
      engine.profiles.setEnabled(sourceId, true);
      const collected = await engine.profiles.collect(sourceId);
      options.log(
        `value profiles: ${collected.columns} columns (${collected.fromStatistics} from statistics, ${collected.sampled} tables sampled, ${collected.skipped} skipped) in ${collected.ms} ms`,
      );
    }
    // Warm-up: prepared snapshot, vector index, encoder and the packer's piece counts are built on first use.
    for (const question of options.questions.slice(0, 3))
      await ask(question.text, options.budgets.at(-1)!).catch(() => undefined);
    for (const budget of options.budgets) {
      const answers: Answer[] = [];
      const cacheHere = system === 'baseline' ? cache : undefined;
      const hitsBefore = cacheHere?.hits ?? 0;
      for (const question of options.questions) {
        const hit = cacheHere?.get(question.text, budget);
        if (hit) {
          answers.push(hit);
          continue;
        }
        const started = performance.now();
        try {
          const answer = await ask(question.text, budget);
          answers.push({ ...answer, ms: performance.now() - started });
          cacheHere?.set(question.text, budget, answers.at(-1)!);
        } catch (error) {
          answers.push({
            tables: [],
            columns: [],
            tokens: 0,
            ms: performance.now() - started,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      const cached = (cacheHere?.hits ?? 0) - hitsBefore;
      runs.push({ system, budget, answers, cached });
      options.log(
        `${system} @${budget}: ${answers.length} questions${cached > 0 ? ` (${cached} from the baseline cache)` : ''}`,
      );
    }
    if (system === 'values') engine.profiles.setEnabled(sourceId, false);
  }
  cache?.save();
  return runs;
}
