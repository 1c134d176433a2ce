#!/usr/bin/env node
// The `schemascope` CLI. Runs the TypeScript sources through tsx, so no build is needed for scripts and tests.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../electron/cli/cli.ts');
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
