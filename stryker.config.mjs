// Mutation testing of the safety-critical modules (`npm run test:mutation`, not part of `npm test`): each mutant is
// one small change to the code; a surviving mutant is a change no test notices. Results: reports/mutation/ and the
// "Mutation testing" section of RELIABILITY.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'electron/engine/query/sql-guard.ts',
    'electron/engine/query/sql-mask.ts',
    'electron/web/web-auth.ts',
    'electron/engine/sources/connection-url.ts',
    'electron/engine/sources/secret-scrubbing.ts',
    'shared/errors.ts',
    'electron/engine/platform/bounded-gate.ts',
    'electron/engine/ask/context-packer.ts',
    'electron/engine/search/rate-limiter.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level initialisers: the word and function lists, the constants) need every test re-run
  // in a fresh module per mutant: about 15 s each here, hours in all. Skipped; RELIABILITY.md says what covers them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine is shared: one test process at a time (raise it with --concurrency on a free machine).
  concurrency: 1,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
