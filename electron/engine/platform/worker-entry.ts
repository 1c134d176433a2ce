import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker's entry file is. From sources (CLI, tests, web mode) each worker has a tiny `NAME.entry.mjs` next
 * to its TypeScript file that registers tsx; in the bundled Electron app the build writes `workers/NAME.mjs` and the
 * main process sets SCHEMASCOPE_WORKER_DIR.
 */
export function workerEntry(name: string, sourceDirUrl: string): URL {
  const bundledDir = process.env.SCHEMASCOPE_WORKER_DIR;
  if (bundledDir) {
    const bundled = path.join(bundledDir, `${name}.mjs`);
    if (existsSync(bundled)) return new URL(`file://${bundled}`);
  }
  const source = path.join(fileURLToPath(sourceDirUrl), `${name}.entry.mjs`);
  return new URL(`file://${source}`);
}
