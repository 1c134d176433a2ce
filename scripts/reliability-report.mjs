#!/usr/bin/env node
// Writes RELIABILITY.md from the last `npm test` run (test-results/vitest.json and vitest-faults.json): each fault
// and bad-input family, the test that covers it, how many cases ran and how many passed. Nothing here is typed in by
// hand but the family names and which test covers them.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const runs = ['test-results/vitest.json', 'test-results/vitest-faults.json']
  .filter((file) => existsSync(path.join(root, file)))
  .map((file) => JSON.parse(readFileSync(path.join(root, file), 'utf8')));
const tests = runs.flatMap((run) =>
  run.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({
      file: path.relative(root, file.name),
      name: test.fullName,
      status: test.status,
    })),
  ),
);
const started = new Date(Math.min(...runs.map((run) => run.startTime))).toISOString().slice(0, 16).replace('T', ' ');

/** [family, file, optional name filter, what is checked] */
const FAMILIES = [
  [
    'Database stopped and restarted (MariaDB, PostgreSQL) during a query and during introspection',
    'test/faults/database-restart.test.ts',
    null,
    'clear error, next request works, no pool slot leaked, catalog intact',
  ],
  [
    'Wrong password, unreachable host, query timeout, pool exhaustion',
    'test/integration/source-errors.test.ts',
    null,
    'clear error kind each time, the next query works',
  ],
  [
    'Database unreachable: offline fallback to the cached snapshot',
    'test/integration/offline.test.ts',
    null,
    'answers from the catalog, labelled offline',
  ],
  [
    'kill -9 during catalog writes',
    'test/faults/crash-during-catalog-write.test.ts',
    null,
    'integrity_check ok, only whole snapshots, keeps working',
  ],
  [
    'kill -9 during indexing',
    'test/integration/indexer-crash.test.ts',
    null,
    'resumes, nothing stored is requested again, vectors equal a clean run',
  ],
  [
    'Fake API faults during indexing (429 storms, 5xx, hangs, truncated bodies, wrong vectors)',
    'test/integration/indexer.test.ts',
    null,
    'completes, no item lost or wrong, retry-after honoured',
  ],
  [
    'Full disk, read-only data folder',
    'test/faults/storage-faults.test.ts',
    null,
    'clear "storage" error, nothing corrupted, works again',
  ],
  [
    'Model answers: DROP, two statements, data-modifying CTE, INTO OUTFILE, LOAD_FILE, prose, endless stream, cancel',
    'test/integration/ask-flow.test.ts',
    null,
    'refused or stopped with a clear message, database unchanged',
  ],
  [
    'Prompt injection in comments',
    'test/integration/ask-flow.test.ts',
    /hostile comment/,
    'quoted as data on one line; only one read-only statement can run',
  ],
  [
    'Prompt injection in comments (packing)',
    'test/unit/context-packing.test.ts',
    /inject|quotes comments/,
    'no injected line starts a line of its own',
  ],
  [
    'SQL guard (exploit corpus)',
    'test/unit/sql-guard.exploit.test.ts',
    null,
    'refused with the reason; writes also fail in the read-only session',
  ],
  [
    'SQL guard, each wall alone: stacks the parser cannot read, masking per engine (backslashes, #, --, /*! */, $tag$, [ident])',
    'test/unit/sql-guard-walls.exploit.test.ts',
    null,
    "the lexical wall's own message; no false split of one statement",
  ],
  [
    'Read-only walls behind the guard, each alone (PostgreSQL session default, transaction mode, one statement per query; MariaDB session)',
    'test/integration/read-only-walls.test.ts',
    /extended protocol|each read-only setting|MariaDB/,
    'read back from the server; a stacked COMMIT/READ WRITE/DELETE refused; no row deleted',
  ],
  [
    'Row stop on PostgreSQL and MariaDB (5,000,000-row series, limit 100)',
    'test/integration/read-only-walls.test.ts',
    /row stop/,
    'bytes the server sent, measured through a proxy; statement gone from the processlist',
  ],
  [
    'SQLite cancel and timeout (aggregate, sort, recursive CTE)',
    'test/integration/sqlite-cancel.test.ts',
    null,
    "the query's process burned CPU and is gone within 1 s (/proc); stats count it until then",
  ],
  [
    'Snapshot refresh where only row estimates changed (PostgreSQL table 10 -> 25,000 rows)',
    'test/integration/snapshot-estimates.test.ts',
    null,
    'no new snapshot; the kept one shows the new estimate',
  ],
  [
    'A driver error that carries the password (echoing server, MariaDB, PostgreSQL; ?password=)',
    'test/integration/secret-in-driver-error.test.ts',
    null,
    'not in the UI answer, web answer, CLI output, logs or data folder',
  ],
  [
    'Secret redaction and ?password= (unit)',
    'test/unit/secret-redaction.test.ts',
    null,
    'scrubbed by value and by pattern; ?password= never shown',
  ],
  [
    'Web mode near misses: Host and Origin by one character, scheme or port; [::1], localhost spellings',
    'test/unit/web-auth.exploit.test.ts',
    null,
    'refused or accepted as intended, with the reason',
  ],
  [
    'Electron security checklist',
    'test/unit/electron-shell.exploit.test.ts',
    null,
    'contextIsolation, sandbox, no nodeIntegration, CSP, navigation denied, sender checked, openExternal',
  ],
  [
    'Web mode: token, Origin, Host, loopback',
    'test/e2e/web-mode.exploit.test.ts',
    null,
    '401 without token, foreign and near-miss Origin/Host refused, listening sockets (/proc/net) only on 127.0.0.1',
  ],
  [
    'Secrets in files, IPC answers, console, metrics snapshots, errors',
    'test/integration/secrets-everywhere.test.ts',
    null,
    'no password or key found anywhere after a full run',
  ],
  ['Secrets at rest', 'test/unit/credentials.test.ts', null, 'encrypted, never in the catalog or the renderer'],
];

const rows = FAMILIES.map(([family, file, filter, checked]) => {
  const cases = tests.filter((test) => test.file === file && (!filter || filter.test(test.name)));
  const passed = cases.filter((test) => test.status === 'passed').length;
  return `| ${family} | \`${file}\` | ${cases.length} | ${cases.length === 0 ? 'not run' : passed === cases.length ? `all ${passed} passed` : `**${cases.length - passed} failed**`} | ${checked} |`;
});

// The bad-input corpus: one test per case, named "#N <family> on <channel> gets a clear error".
const corpus = tests.filter((test) => test.file === 'test/integration/bad-input.test.ts' && /#\d+ /.test(test.name));
const byFamily = new Map();
for (const test of corpus) {
  const family = /#\d+ (.+?) on /.exec(test.name)?.[1] ?? 'other';
  const entry = byFamily.get(family) ?? { cases: 0, passed: 0 };
  entry.cases += 1;
  if (test.status === 'passed') entry.passed += 1;
  byFamily.set(family, entry);
}
const corpusRows = [...byFamily].map(
  ([family, { cases, passed }]) =>
    `| ${family} | ${cases} | ${passed === cases ? `all ${passed} passed` : `**${cases - passed} failed**`} |`,
);

const text = `# Reliability

Generated by \`node scripts/reliability-report.mjs\` from the test run of ${started} UTC (\`npm test\`: unit, integration
and e2e tiers, then the faults tier on its own, since it restarts the database servers and mounts file systems).
Every case below is a test with real parts: real MariaDB, PostgreSQL and SQLite files, real worker threads, real
HTTP to the repo's fake OpenAI server, real Chromium. The load run (200 concurrent queries and indexing for a
minute) is in [BENCHMARKS.md](BENCHMARKS.md#load-200-concurrent-queries-and-a-running-index-for-a-minute).

## Faults, attacks and secrets

| family | test | cases | result | what is checked |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## Bad-input corpus (\`test/corpus/bad-input.ts\`, run through the real handler table)

Each case must get its expected error kind and a message naming the problem; after the whole corpus the catalog
passes \`PRAGMA integrity_check\` and the demo data is unchanged.

| family | cases | result |
| --- | --- | --- |
${corpusRows.join('\n')}
| **total** | ${corpus.length} | ${corpus.every((test) => test.status === 'passed') ? 'all passed' : 'failures above'} |
`;
// The mutation-testing section is kept as it is: it comes from \`npm run test:mutation\` (too slow for \`npm test\`),
// summarised by scripts/mutation-summary.mjs, with each survivor explained by hand.
const previous = existsSync(path.join(root, 'RELIABILITY.md'))
  ? readFileSync(path.join(root, 'RELIABILITY.md'), 'utf8')
  : '';
const mutationAt = previous.indexOf('\n## Mutation testing');
writeFileSync(path.join(root, 'RELIABILITY.md'), mutationAt < 0 ? text : `${text}${previous.slice(mutationAt)}`);
process.stdout.write(`wrote RELIABILITY.md (${tests.length} tests read, ${corpus.length} corpus cases)\n`);
