#!/usr/bin/env node
// The `schemascope` CLI. Runs the built bundle (dist/cli, made by `npm run build`, which `npm install` runs) when it
// is at least as new as the sources; otherwise, in a checkout being edited, the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'cli', 'main.mjs');

/** The newest modification time under a folder (sources: a few hundred files, a few milliseconds). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function bundleIsCurrent() {
  if (!existsSync(bundle)) return false;
  const sources = ['electron', 'shared'].map((dir) => path.join(root, dir)).filter((dir) => existsSync(dir));
  const built = statSync(bundle).mtimeMs;
  return sources.every((dir) => newest(dir) <= built);
}

if (process.env.SCHEMASCOPE_CLI_FROM_SOURCE !== '1' && bundleIsCurrent()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'electron', 'cli', 'main.ts')).href);
}
