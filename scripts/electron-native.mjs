#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .cache/electron-native/<electron version>/, leaving the Node build in
// node_modules untouched, so `npm test` (Node) and `npm start` (Electron) both keep working. Needs network access
// (Electron's headers); returns the path of the .node file, or throws with the reason.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function electronVersion() {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

export function ensureElectronNative({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const version = electronVersion();
  const target = path.join(root, '.cache', 'electron-native', version, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  log(`Building better-sqlite3 for Electron ${version} (one time, needs network)...`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'schemascope-native-'));
  try {
    cpSync(path.join(root, 'node_modules', 'better-sqlite3'), work, {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}build${path.sep}`),
    });
    const nodeGyp = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    // npm_config_nodedir (set on some machines) would make node-gyp use Node's headers instead of Electron's.
    const env = {
      ...process.env,
      npm_config_nodedir: '',
      npm_config_runtime: 'electron',
      npm_config_target: version,
      npm_config_disturl: 'https://electronjs.org/headers',
    };
    execFileSync(
      process.execPath,
      [
        nodeGyp,
        'rebuild',
        '--release',
        `--target=${version}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
      { cwd: work, env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureElectronNative()}\n`);
}
