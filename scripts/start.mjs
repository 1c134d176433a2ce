#!/usr/bin/env node
// `npm start`: build, then launch the Electron app on the demo database. Where the Electron binary is missing and
// cannot be fetched (no network), say so in one line and serve the same UI in web mode instead.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative } from './electron-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const passthrough = process.argv.slice(2);

execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });

function electronBinary() {
  try {
    const binary = require('electron'); // the path of the binary, or throws when it was never downloaded
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function fetchElectron() {
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], {
      stdio: 'ignore',
      cwd: root,
      timeout: 180_000,
    });
  } catch {
    // no network: handled by the caller
  }
  return electronBinary();
}

function webMode(reason) {
  process.stderr.write(`Electron is not available here (${reason}); serving the same UI in web mode instead.\n`);
  const child = spawn(process.execPath, [path.join(root, 'bin', 'schemascope.mjs'), 'serve', ...passthrough], {
    stdio: 'inherit',
    cwd: root,
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const binary = electronBinary() ?? fetchElectron();
if (!binary || process.env.SCHEMASCOPE_WEB === '1') {
  webMode(binary ? 'SCHEMASCOPE_WEB=1' : 'its binary could not be downloaded');
} else {
  let binding;
  try {
    binding = ensureElectronNative();
  } catch (error) {
    webMode(
      `better-sqlite3 could not be built for Electron: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  }
  if (binding) {
    const child = spawn(binary, [root, ...passthrough], {
      stdio: 'inherit',
      cwd: root,
      env: { ...process.env, SCHEMASCOPE_SQLITE_BINDING: binding },
    });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
