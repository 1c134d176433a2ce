#!/usr/bin/env node
// `npm run dist`: package installers with electron-builder (on a machine with network). The Electron build of
// better-sqlite3 ships as an extra resource; node_modules keeps the Node build (npmRebuild: false).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative } from './electron-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
const binding = ensureElectronNative();
mkdirSync(path.join(root, '.cache', 'electron-native', 'current'), { recursive: true });
cpSync(binding, path.join(root, '.cache', 'electron-native', 'current', 'better_sqlite3.node'));
execFileSync(
  path.join(root, 'node_modules', '.bin', 'electron-builder'),
  ['--config', 'electron-builder.yml', ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
