import { defineConfig } from 'vitest/config';

/**
 * The unit tests that cover the modules under mutation (stryker.config.mjs): pure logic, no servers, so that each
 * mutant runs in seconds at most. SCHEMASCOPE_MUTATION makes the context-packing property test try fewer schemas (3
 * random ones, and its fixed cases up to 10,000 columns; npm test runs them all, up to 100,000).
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
      'test/unit/context-packing.test.ts',
      'test/unit/embedding-basics.test.ts',
      'test/unit/mutation-survivors.test.ts',
    ],
    testTimeout: 60_000,
    env: { SCHEMASCOPE_MUTATION: '1' },
  },
});
