import { table } from '../bench-report.ts';
import type { EngineEvaluation, PublicEvaluation } from './evaluate.ts';
import { coverage, type RowMetrics } from './metrics.ts';
import { SYSTEM_LABELS, type SystemName } from './run-systems.ts';

const ENGINE_LABELS = {
  postgres: 'PostgreSQL (one schema per dataset database)',
  mysql: 'MariaDB (one database, prefixed tables)',
  sqlite: 'SQLite (one file, prefixed tables)',
} as const;
const TARGETS = { strict4k: 0.9, strict8k: 0.95, tables4k: 0.98 };

const share = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
const one = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const millis = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const budgetLabel = (budget: number) => `${budget / 1000}k`;

function metricsTable(rows: readonly RowMetrics[]): string {
  return table(
    [
      'system',
      'budget',
      'table recall',
      'all tables',
      'column recall',
      'strict',
      'tables / answer',
      'columns / answer',
      'tokens',
      'p50',
      'p95',
      'errors',
    ],
    rows.map((row) => [
      SYSTEM_LABELS[row.system],
      budgetLabel(row.budget),
      share(row.tableRecall),
      share(row.allTables),
      share(row.columnRecall),
      `**${share(row.strict)}**`,
      one(row.tablesPerAnswer),
      whole(row.columnsPerAnswer),
      whole(row.tokens),
      millis(row.p50),
      millis(row.p95),
      row.errors,
    ]),
  );
}

function setTable(evaluation: EngineEvaluation): string {
  const count = (set: string) => evaluation.questions.filter((question) => question.set === set).length;
  const sets = (['gen', 'basic', 'advanced'] as const).filter((set) => count(set) > 0);
  return table(
    ['system', 'budget', ...sets.map((set) => `strict: ${set} (${count(set)})`)],
    evaluation.rows.map((row) => [
      SYSTEM_LABELS[row.system],
      budgetLabel(row.budget),
      ...sets.map((set) => share(row.strictBySet.get(set) ?? Number.NaN)),
    ]),
  );
}

function idkTable(evaluation: EngineEvaluation): string {
  return table(
    ['system', 'budget', 'tables offered', 'tokens'],
    evaluation.rows.map((row) => [
      SYSTEM_LABELS[row.system],
      budgetLabel(row.budget),
      one(row.idk.tables),
      whole(row.idk.tokens),
    ]),
  );
}

/** Strict recall at one budget per defog database: where the misses are. */
function databaseTable(evaluation: EngineEvaluation, budget: number): string {
  const systems = [...new Set(evaluation.runs.map((run) => run.system))];
  const scored = evaluation.questions
    .map((question, index) => ({ question, index }))
    .filter(({ question }) => question.set !== 'idk');
  const databases = [...new Set(scored.map(({ question }) => question.db))].sort();
  return table(
    ['database', 'questions', ...systems.map((system) => SYSTEM_LABELS[system])],
    databases.map((database) => {
      const mine = scored.filter(({ question }) => question.db === database);
      return [
        database,
        mine.length,
        ...systems.map((system) => {
          const run = evaluation.runs.find((candidate) => candidate.system === system && candidate.budget === budget);
          return run
            ? share(
                mine.filter(({ question, index }) => coverage(question, run.answers[index]!).complete).length /
                  mine.length,
              )
            : 'n/a';
        }),
      ];
    }),
  );
}

function row(evaluation: EngineEvaluation, system: SystemName, budget: number): RowMetrics | undefined {
  return evaluation.rows.find((candidate) => candidate.system === system && candidate.budget === budget);
}

/** Ours against the baseline, budget by budget, and the context-quality targets for ours, from this run's numbers. */
function verdict(evaluation: EngineEvaluation): string {
  const budgets = [...new Set(evaluation.rows.map((entry) => entry.budget))].sort((a, b) => a - b);
  const ratios = budgets.map((budget) => {
    const ours = row(evaluation, 'ours', budget);
    const names = row(evaluation, 'names', budget);
    const baseline = row(evaluation, 'baseline', budget);
    const ratio = (mine: RowMetrics | undefined) =>
      mine && baseline && baseline.strict > 0 ? `${(mine.strict / baseline.strict).toFixed(2)}x` : 'n/a';
    return `${budgetLabel(budget)}: ${[ours ? `ours ${ratio(ours)}` : '', names ? `without vectors ${ratio(names)}` : ''].filter(Boolean).join(', ')}`;
  });
  const lines = [`Strict recall against the baseline's (ratio, ours / baseline): ${ratios.join('; ')}.`];
  const ours = evaluation.rows.filter((entry) => entry.system === 'ours');
  if (ours.length > 0) {
    const at = (budget: number) => ours.find((entry) => entry.budget === budget);
    const check = (label: string, value: number | undefined, target: number) =>
      value === undefined
        ? `${label}: not measured`
        : `${label} ${share(value)} (target >= ${target.toFixed(2)}: ${value >= target ? 'met' : '**not met**'})`;
    const sorted = [...ours].sort((a, b) => a.budget - b.budget);
    const aggregateDrops = sorted
      .slice(1)
      .filter(
        (entry, index) =>
          entry.strict < sorted[index]!.strict ||
          entry.tableRecall < sorted[index]!.tableRecall ||
          entry.columnRecall < sorted[index]!.columnRecall,
      );
    const lost = evaluation.regressions.get('ours') ?? [];
    const errors = ours.reduce((sum, entry) => sum + entry.errors, 0);
    const beaten = budgets.filter(
      (budget) =>
        (row(evaluation, 'ours', budget)?.strict ?? 0) > (row(evaluation, 'baseline', budget)?.strict ?? Infinity),
    );
    lines.push(
      `Targets for ours: ${check('strict at 4k', at(4000)?.strict, TARGETS.strict4k)}; ${check('strict at 8k', at(8000)?.strict, TARGETS.strict8k)}; ${check('table recall at 4k', at(4000)?.tableRecall, TARGETS.tables4k)}; ` +
        `a larger budget never lowers recall: ${aggregateDrops.length === 0 && lost.length === 0 ? 'met' : `**not met** (${aggregateDrops.length} mean recall(s) lower at a larger budget; ${lost.length} question(s) complete at a budget and not at the next: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', ...' : ''})`}; ` +
        `errors: ${errors === 0 ? 'none (met)' : `**${errors}** (${ours.find((entry) => entry.firstError)?.firstError})`}; ` +
        `baseline beaten on strict recall at ${beaten.length} of ${budgets.length} budgets${beaten.length < budgets.length ? ' (**not met**)' : ' (met)'}.`,
    );
    const noVectors = ours.reduce((sum, entry) => sum + entry.withoutVectors, 0);
    // The built-in provider's vectors are kept out of ranking on purpose (they measured worse than names alone), so
    // its answers report no vector ranking; only a real embedding model's index takes part.
    if (noVectors > 0)
      lines.push(
        `Note: ${noVectors} of ours' answers ranked by names, comments and joins only: the built-in provider's vectors take no part in ranking (they measured worse), so "ours" and "ours without vectors" answer alike here.`,
      );
  }
  return lines.join('\n\n');
}

export function engineSection(evaluation: EngineEvaluation): string {
  const gold = evaluation.gold;
  const cached = evaluation.runs.reduce((sum, run) => sum + run.cached, 0);
  const goldNote = `Gold names: ${gold.exact} distinct tables and columns found in the catalog as written${gold.caseOnly.length > 0 ? `, ${gold.caseOnly.length} only when case is ignored (${gold.caseOnly.slice(0, 5).join(', ')})` : ', none differ in case'}${gold.missing.length > 0 ? `, **${gold.missing.length} missing** from the catalog (${gold.missing.slice(0, 5).join(', ')})` : ', none missing'}.`;
  return [
    `### ${ENGINE_LABELS[evaluation.engine]}: ${evaluation.catalog.tables.toLocaleString('en-US')} tables, ${evaluation.catalog.columns.toLocaleString('en-US')} columns`,
    metricsTable(evaluation.rows),
    verdict(evaluation),
    `Strict recall per question set:\n\n${setTable(evaluation)}`,
    ...(evaluation.runs.some((run) => run.budget === 4000)
      ? [`Strict recall at 4k per defog database:\n\n${databaseTable(evaluation, 4000)}`]
      : []),
    `\`idk\` questions (${evaluation.rows[0]?.idk.questions ?? 0}; no table answers them): what the context offers.\n\n${idkTable(evaluation)}`,
    goldNote,
    ...(cached > 0
      ? [
          `Baseline: ${cached} answers reused from an identical earlier score.ts run (same snapshot, baseline code and questions), with that run's times.`,
        ]
      : []),
  ].join('\n\n');
}

/** How the data was loaded, from the loaders' own notes. */
export function loadNotes(evaluation: PublicEvaluation): string {
  const pg = evaluation.loaded.postgres.notes;
  const skipped = pg.spiderForeignKeysSkipped;
  const lines = [
    `Pooled source: ${pg.tables.toLocaleString('en-US')} tables, ${pg.columns.toLocaleString('en-US')} columns = 11 defog databases (${pg.defogTables} tables, ${pg.defogColumns} columns, ${pg.defogRows.toLocaleString('en-US')} rows, ${pg.commentsSet} column descriptions as comments` +
      `${pg.commentsMatchedIgnoringCase.length > 0 ? `; ${pg.commentsMatchedIgnoringCase.length} of them matched to their column only ignoring case, e.g. \`${pg.commentsMatchedIgnoringCase[0]}\`: unquoted DDL names are folded to lower case` : ''}` +
      `${pg.commentsWithoutColumn.length > 0 ? `, ${pg.commentsWithoutColumn.length} without a column` : ''}) + ${pg.spiderSchemas} Spider training schemas as distractors (no rows, no comments). ` +
      `${pg.defogWithoutKeys.length} of the 11 defog databases declare no primary or foreign key at all (${pg.defogWithoutKeys.join(', ')}). ` +
      `${pg.spiderAlsoInDefog.length > 0 ? `${pg.spiderAlsoInDefog.length} Spider databases are defog databases too (${pg.spiderAlsoInDefog.join(', ')}): loaded as \`spider_<name>\`, near-duplicates of the real ones, with keys declared. ` : ''}` +
      `ewallet's tables live in schema \`consumer_div\` in its script and gold; here in \`ewallet\` like the others. ` +
      `Spider foreign keys declared: ${pg.spiderForeignKeys}; skipped: ${skipped.toNonUnique} to a column that is not its table's primary key, ${skipped.typeMismatch} between columns of different types, ${skipped.duplicate} listed twice.`,
  ];
  const mysql = evaluation.loaded.mysql?.notes;
  if (mysql)
    lines.push(
      `MariaDB copy: ${mysql.tables.toLocaleString('en-US')} tables, ${mysql.columns.toLocaleString('en-US')} columns; ${mysql.foreignKeys - mysql.foreignKeysRefused} of ${mysql.foreignKeys} foreign keys declared${mysql.foreignKeysRefused > 0 ? ` (refused: ${mysql.refusedExamples.map((example) => `\`${example.split(':')[0]}\``).join(', ')})` : ''}.`,
    );
  const sqlite = evaluation.loaded.sqlite?.notes;
  if (sqlite)
    lines.push(
      `SQLite copy: ${sqlite.tables.toLocaleString('en-US')} tables, ${sqlite.columns.toLocaleString('en-US')} columns, ${sqlite.foreignKeys} foreign keys (SQLite declares them all).`,
    );
  return lines.join(' ');
}

/** What the setup reused and what it had to do, e.g. "databases: postgres reused, mysql loaded (22.4 s); data folder reused (0.0 s)". */
export function setupLine(evaluation: PublicEvaluation): string {
  const { loaded, setup } = evaluation;
  const databases = (['postgres', 'mysql', 'sqlite'] as const).flatMap((name) =>
    loaded[name] ? [`${name} ${loaded[name]!.reused ? 'reused' : 'loaded'}`] : [],
  );
  const engines = evaluation.engines.map((engine) => engine.engine);
  const built = engines.filter((name) => !setup.reusedHome.includes(name));
  return `databases: ${databases.join(', ')} (${(setup.loadMs / 1000).toFixed(1)} s); data folder: ${built.length === 0 ? 'reused' : `introspected and indexed ${built.join(', ')}`} (${(setup.homeMs / 1000).toFixed(1)} s)`;
}

/** For `--misses`: each question missing a gold column, with the columns and whether their table made it in. */
export function missesReport(evaluation: EngineEvaluation, system: SystemName, budget: number): string {
  const run = evaluation.runs.find((candidate) => candidate.system === system && candidate.budget === budget);
  if (!run) return `No ${system} run at ${budget} tokens for ${evaluation.engine}.`;
  const lines: string[] = [];
  evaluation.questions.forEach((question, index) => {
    if (question.set === 'idk') return;
    const answer = run.answers[index]!;
    const found = coverage(question, answer);
    if (found.complete) return;
    lines.push(
      `${question.id} [${question.db}] ${question.text.replace(/\s+/g, ' ')}${answer.error ? `\n  ERROR: ${answer.error}` : ''}`,
    );
    for (const missing of found.missing)
      lines.push(`  missing ${missing.column}  (table ${missing.tableInContext ? 'in context' : 'NOT in context'})`);
  });
  return `${evaluation.engine}, ${SYSTEM_LABELS[system]} at ${budget} tokens: ${lines.filter((line) => !line.startsWith(' ')).length} question(s) miss a gold column\n${lines.join('\n')}`;
}
