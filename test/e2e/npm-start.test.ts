import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/temp-home.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm start', () => {
  it('builds, says in one line that Electron is not available here, and serves the same UI in web mode', async () => {
    const home = tempHome();
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--home', home.dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SCHEMASCOPE_WEB: process.env.SCHEMASCOPE_WEB ?? '' },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await expect
        .poll(() => stdout, { timeout: 120_000, interval: 250 })
        .toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      const notices = stderr.split('\n').filter((line) => line.startsWith('Electron is not available here'));
      expect(notices).toHaveLength(1);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(stdout)![0];
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      home.cleanup();
    }
  });
});

describe('electron-builder.yml', () => {
  const config = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  it('targets Linux (AppImage, deb), macOS (dmg) and Windows (nsis)', () => {
    for (const target of ['AppImage', 'deb', 'dmg', 'nsis']) expect(config).toMatch(new RegExp(`- ${target}\\b`));
    for (const platform of ['linux:', 'mac:', 'win:']) expect(config).toContain(`\n${platform}`);
  });

  it('unpacks native modules from asar, ships the Electron build of better-sqlite3, and never rebuilds node_modules in place', () => {
    expect(config).toMatch(/asarUnpack:\n\s+- "\*\*\/\*\.node"/);
    expect(config).toContain('from: .cache/electron-native/current');
    expect(config).toMatch(/npmRebuild: false/);
    const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
      main: string;
    };
    expect(packageJson.allowScripts.electron).toBe(false);
    expect(packageJson.main).toBe('dist/electron/main.mjs');
  });
});
