/**
 * `npm run bench [-- --suite NAME] [-- --runs N] [-- --quick]`: runs the benchmark suites and writes their sections of
 * BENCHMARKS.md. Needs MariaDB and PostgreSQL (as the integration tests do).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WorkloadName } from '../test/workloads/workload-schema.ts';
import { execFileSync } from 'node:child_process';
import { writeSections, type BenchSection } from './bench-report.ts';
import { indexingSuite } from './suites/indexing.ts';
import { introspectionSuite } from './suites/introspection.ts';
import { retrievalQualitySuite } from './suites/retrieval-quality.ts';
import { queryEngineSuite } from './suites/query-engine.ts';
import { executionSuite } from './suites/execution.ts';
import { loadSuite } from './suites/load.ts';
import { catalogSaveSuite } from './suites/catalog-save.ts';
import { cliStartupSuite } from './suites/cli-startup.ts';
import { retrievalPublicSuite } from './suites/retrieval-public.ts';
import { mcpPeersSuite } from './suites/mcp-peers.ts';
import { largestSchemasSuite } from './suites/largest-schemas.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { suite: { type: 'string', multiple: true }, runs: { type: 'string' }, quick: { type: 'boolean' } },
});
const runs = Number(values.runs ?? (values.quick ? 3 : 7));
const workloads: WorkloadName[] = values.quick ? ['w200'] : ['w200', 'w1000'];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const SUITES: Record<string, () => Promise<BenchSection>> = {
  introspection: () => introspectionSuite({ runs, workloads, log }),
  indexing: () => indexingSuite({ quick: Boolean(values.quick), log }),
  'retrieval-quality': () => retrievalQualitySuite(),
  'query-engine': () => queryEngineSuite({ quick: Boolean(values.quick), log }),
  execution: () => executionSuite({ log }),
  load: () => loadSuite({ quick: Boolean(values.quick), log }),
  'catalog-save': () => catalogSaveSuite({ quick: Boolean(values.quick), log }),
  'cli-startup': () => cliStartupSuite({ quick: Boolean(values.quick), log }),
  'retrieval-public': () => retrievalPublicSuite({ quick: Boolean(values.quick), log }),
  'mcp-peers': () => mcpPeersSuite({ quick: Boolean(values.quick), log }),
  'largest-schemas': () => largestSchemasSuite({ log }),
};

// Measure the product as it ships: workers from the bundled build, not compiled on the fly by tsx.
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
process.env.SCHEMASCOPE_WORKER_DIR = path.join(root, 'dist', 'electron', 'workers');

const selected = values.suite ?? Object.keys(SUITES);
for (const name of selected) {
  if (!SUITES[name]) {
    process.stderr.write(`Unknown suite "${name}". Suites: ${Object.keys(SUITES).join(', ')}\n`);
    process.exit(2);
  }
}
for (const name of selected) {
  log(`suite ${name}`);
  const section = await SUITES[name]!();
  writeSections(path.join(root, 'BENCHMARKS.md'), [section]);
  log(`wrote the ${name} section of BENCHMARKS.md`);
}
process.exit(0);
