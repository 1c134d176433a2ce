import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';
import { ensureWorkload, workloadSqliteFile } from '../../test/helpers/workloads.ts';
import { ms, table, type BenchSection } from '../bench-report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'schemascope.mjs');

/** Wall time of a fresh process, in ms. */
function wall(args: readonly string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'], cwd: root });
  return performance.now() - started;
}

/**
 * Start-up of the CLI as scripts see it: wall time of fresh processes, side by side with `node -e 0` (the floor
 * Node itself sets on this machine), interleaved run by run so that load on the machine hits all alike.
 */
export async function cliStartupSuite(options: { quick: boolean; log: (line: string) => void }): Promise<BenchSection> {
  await ensureWorkload('w200', options.log);
  const home = mkdtempSync(path.join(os.tmpdir(), 'schemascope-bench-cli-'));
  const url = `sqlite:${workloadSqliteFile('w200')}`;
  execFileSync(process.execPath, [bin, 'introspect', url, '--json', '--home', home], { stdio: 'ignore' });
  const cases: [string, string[], string][] = [
    ['node -e 0', ['-e', '0'], 'the floor'],
    ['schemascope --help', [bin, '--help'], 'target <= 150 ms'],
    [
      'schemascope introspect W200 --offline --json',
      [bin, 'introspect', url, '--offline', '--json', '--home', home],
      'target <= 400 ms',
    ],
  ];
  const runs = options.quick ? 5 : 15;
  const times = cases.map(() => [] as number[]);
  for (let run = 0; run < runs + 1; run += 1) {
    cases.forEach(([, args], index) => {
      const elapsed = wall(args);
      if (run > 0) times[index]!.push(elapsed); // the first round warms the disk cache
    });
  }
  rmSync(home, { recursive: true, force: true });
  const floor = median(times[0]!);
  const rows = cases.map(([name, , note], index) => [
    name,
    ms(median(times[index]!)),
    ms(quantile(times[index]!, 0.95)),
    `${(median(times[index]!) - floor).toFixed(0)} ms`,
    note,
  ]);
  return {
    key: 'cli-startup',
    title: 'CLI start-up: fresh processes, side by side with node -e 0',
    command: `npm run bench -- --suite cli-startup${options.quick ? ' --quick' : ''}`,
    body: `${runs} interleaved runs of each command as a fresh process (wall time, after one warm-up round). The CLI runs its
built bundle (dist/cli, made by \`npm run build\`, which \`npm install\` runs): \`--help\` loads no engine code, and
\`introspect --offline\` loads no driver, no SDK, no tokenizer and no SQL parser (each is loaded by the code that uses it).

${table(['command', 'median', 'p95', 'above node -e 0', 'note'], rows)}`,
  };
}
