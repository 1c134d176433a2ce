/**
 * The CLI's entry in the bundle (dist/cli/main.mjs), run by bin/schemascope.mjs. It tells the engine where the
 * bundle's workers and renderer are, then runs the command; everything heavy is imported by the command that needs it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.env.SCHEMASCOPE_BUNDLED) {
  process.env.SCHEMASCOPE_WORKER_DIR ??= path.join(here, '..', 'electron', 'workers');
  process.env.SCHEMASCOPE_RENDERER_DIR ??= path.join(here, '..', 'renderer');
}
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
});
