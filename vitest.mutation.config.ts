import { defineConfig } from 'vitest/config';

/**
 * The unit tests that cover the modules under mutation (stryker.config.mjs): pure logic, no servers, so that each
 * mutant runs in seconds at most. The context packer is checked here by its fast, exact tests
 * (context-packer.mutation.test.ts, about 3 s with the tokenizers' start-up); the random packing property test
 * (context-packing.test.ts, 1 to 100,000 columns) takes 10-15 s a run and stays in npm test only.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/sql-guard.exploit.test.ts',
      'test/unit/sql-guard-walls.exploit.test.ts',
      'test/unit/web-auth.exploit.test.ts',
      'test/unit/connection-url.test.ts',
      'test/unit/secret-redaction.test.ts',
      'test/unit/errors.test.ts',
      'test/unit/bounded-gate.test.ts',
      'test/unit/rate-limiter.test.ts',
      'test/unit/context-packer.mutation.test.ts',
      'test/unit/embedding-basics.test.ts',
      'test/unit/mutation-survivors.test.ts',
    ],
    testTimeout: 60_000,
  },
});
