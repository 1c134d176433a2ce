import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/schemascope.mjs');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as exactly one JSON object (throws otherwise). */
  json<T = Record<string, unknown>>(): T;
}

/** Runs the real CLI as a separate process, as scripts do. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          const lines = stdout.trim().split('\n');
          if (lines.length !== 1)
            throw new Error(`expected one JSON line on stdout, got ${lines.length}: ${stdout.slice(0, 300)}`);
          return JSON.parse(lines[0]!) as T;
        },
      }),
    );
  });
}
