import { ensureDatabases, type LoadedDatabases, type PublicEngine } from './ensure-databases.ts';
import { openPublicHome } from './engine-home.ts';
import { resolveGold, type GoldNameNotes, type ResolvedQuestion } from './gold-names.ts';
import { budgetRegressions, rowMetrics, type RowMetrics } from './metrics.ts';
import { readQuestions, type QuestionSet } from './questions.ts';
import { runSystems, type SystemName, type SystemRun } from './run-systems.ts';
import { freshProcessTimes, type FreshProcessTimes } from './fresh-process.ts';

export interface EngineEvaluation {
  readonly engine: PublicEngine;
  readonly questions: readonly ResolvedQuestion[];
  readonly gold: GoldNameNotes;
  readonly runs: readonly SystemRun[];
  readonly rows: readonly RowMetrics[];
  readonly regressions: ReadonlyMap<SystemName, string[]>;
  readonly catalog: { readonly tables: number; readonly columns: number };
  readonly ms: number;
}

export interface PublicEvaluation {
  readonly loaded: LoadedDatabases;
  readonly engines: readonly EngineEvaluation[];
  readonly setup: { readonly loadMs: number; readonly homeMs: number; readonly reusedHome: readonly PublicEngine[] };
  /** `schemascope context` in fresh processes on the first engine's source (when asked for). */
  readonly freshProcess?: FreshProcessTimes;
}

/**
 * The whole public benchmark: databases loaded (or found loaded), the engine's data folder opened (or built), then
 * every system answers every selected question at every budget, per engine, and the answers are scored.
 */
export async function evaluatePublic(options: {
  readonly engines: readonly PublicEngine[];
  readonly budgets: readonly number[];
  readonly sets: readonly QuestionSet[];
  readonly systems: readonly SystemName[];
  /** Keep every n-th question of each set (1 = all): the suite's quick mode. */
  readonly sample?: number;
  /** score.ts: reuse the baseline's answers from an identical earlier run (same snapshot, code and questions). */
  readonly cacheBaseline?: boolean;
  /** Also time this many `context` calls as fresh CLI processes (after the in-process runs). */
  readonly freshProcessRuns?: number;
  readonly log: (line: string) => void;
}): Promise<PublicEvaluation> {
  const loaded = await ensureDatabases(options.engines, options.log);
  const sample = Math.max(1, options.sample ?? 1);
  const seen = new Map<QuestionSet, number>();
  const questions = readQuestions(loaded.paths.goldRefs).filter((question) => {
    if (!options.sets.includes(question.set)) return false;
    const position = seen.get(question.set) ?? 0;
    seen.set(question.set, position + 1);
    return position % sample === 0;
  });
  const home = await openPublicHome(loaded, options.engines, options.log);
  const evaluations: EngineEvaluation[] = [];
  try {
    for (const engineName of options.engines) {
      const started = performance.now();
      const sourceId = home.sourceIds.get(engineName)!;
      const { record } = await home.engine.sources.snapshot(sourceId);
      const tables = home.engine.catalog.loadSnapshot(record.id).tables;
      const { questions: resolved, notes } = resolveGold(engineName, tables, questions);
      const runs = await runSystems({
        engine: home.engine,
        sourceId,
        questions: resolved,
        budgets: options.budgets,
        systems: options.systems,
        baselineCache: options.cacheBaseline ? engineName : undefined,
        log: (line) => options.log(`${engineName} ${line}`),
      });
      evaluations.push({
        engine: engineName,
        questions: resolved,
        gold: notes,
        runs,
        rows: runs.map((run) => rowMetrics(run, resolved)),
        regressions: budgetRegressions(runs, resolved),
        catalog: { tables: tables.length, columns: tables.reduce((sum, table) => sum + table.columns.length, 0) },
        ms: performance.now() - started,
      });
    }
  } finally {
    await home.engine.close();
  }
  let freshProcess: FreshProcessTimes | undefined;
  if (options.freshProcessRuns) {
    const engineName = options.engines[0]!;
    options.log(`${engineName}: ${options.freshProcessRuns} context calls in fresh processes`);
    const texts = evaluations[0]!.questions
      .filter((question) => question.set !== 'idk')
      .map((question) => question.text)
      .slice(0, options.freshProcessRuns);
    freshProcess = await freshProcessTimes({
      url: home.urls.get(engineName)!,
      home: home.dir,
      questions: texts,
      budget: 4000,
    });
  }
  return {
    loaded,
    engines: evaluations,
    setup: { loadMs: loaded.ms, homeMs: home.ms, reusedHome: home.reused },
    freshProcess,
  };
}
