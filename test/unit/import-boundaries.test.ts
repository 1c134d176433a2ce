import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir))) {
    const relative = path.join(dir, entry);
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourceFiles(relative));
    else if (/\.(ts|tsx|mts|mjs)$/.test(entry)) out.push(relative);
  }
  return out;
}

/** Every module specifier a file imports (static, dynamic and re-exports). */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bimport\s[^'"]*?from\s*['"]([^'"]+)['"]/g,
    /(?<![\w/.$'"])import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bexport\s[^'"]*?from\s*['"]([^'"]+)['"]/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.normalize(path.join(path.dirname(file), specifier));
  return target === folder || target.startsWith(folder + path.sep);
}

describe('process boundaries', () => {
  it('finds the imports it checks (the scanner itself works)', () => {
    expect(
      importsOf(
        `import a from 'electron';\nimport { b } from "../x.ts";\nconst c = await import('node:fs');\nexport * from './y.ts';`,
      ),
    ).toEqual(['electron', '../x.ts', 'node:fs', './y.ts']);
  });

  it('the renderer imports only shared/ and browser packages: no electron, no node:*, no engine code', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('renderer')) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        const bad =
          specifier === 'electron' ||
          specifier.startsWith('node:') ||
          ['fs', 'path', 'child_process', 'os', 'worker_threads', 'better-sqlite3', 'mysql2', 'pg'].includes(
            specifier,
          ) ||
          resolvesInto(file, specifier, 'electron');
        if (bad) offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('engine, CLI and web code never import electron (only electron/main and electron/preload may)', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('electron')) {
      if (file.startsWith(path.join('electron', 'main')) || file.startsWith(path.join('electron', 'preload'))) continue;
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (
          specifier === 'electron' ||
          specifier.startsWith('electron/') ||
          resolvesInto(file, specifier, path.join('electron', 'main'))
        )
          offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the engine never imports a front door (CLI, web mode, MCP server): they import it', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join('electron', 'engine'))) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (['cli', 'web', 'mcp'].some((door) => resolvesInto(file, specifier, path.join('electron', door))))
          offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the MCP server reaches the engine through dispatch, never a handler or a driver directly', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join('electron', 'mcp'))) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (
          ['pg', 'mysql2', 'mysql2/promise', 'better-sqlite3'].includes(specifier) ||
          /engine\/(ipc\/create-handlers|sources\/[a-z]+-pool|query\/sql-door)/.test(specifier)
        )
          offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('shared/ imports nothing outside itself except zod', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('shared')) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (specifier === 'zod') continue;
        if (!specifier.startsWith('./')) offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the preload imports only electron and the dependency-free channel list', () => {
    const specifiers = sourceFiles(path.join('electron', 'preload')).flatMap((file) =>
      importsOf(readFileSync(path.join(root, file), 'utf8')),
    );
    expect(new Set(specifiers)).toEqual(new Set(['electron', '../../shared/ipc-channels.ts']));
  });
});

/**
 * The house plan is enforced by dependency-cruiser (`npm run lint`, config in `.dependency-cruiser.cjs`). These tests
 * plant one violation of each kind in a scratch tree and check that the same config reports it by rule name, so a
 * rule that stops matching (a renamed folder, a loosened pattern) fails here instead of passing silently.
 */
describe('the house plan (dependency-cruiser rules)', () => {
  const cruiser = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

  /** Cruises a scratch tree once; answers the rule names broken, per importing file. */
  function violationsIn(files: Record<string, string>): Record<string, string[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'house-plan-'));
    try {
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            allowImportingTsExtensions: true,
            noEmit: true,
          },
        }),
      );
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      const run = spawnSync(
        process.execPath,
        [
          cruiser,
          '--config',
          path.join(root, '.dependency-cruiser.cjs'),
          '--output-type',
          'json',
          ...new Set(Object.keys(files).map((file) => file.split('/')[0]!)),
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      const report = JSON.parse(run.stdout) as { summary: { violations: { from: string; rule: { name: string } }[] } };
      const byFile: Record<string, string[]> = {};
      for (const violation of report.summary.violations) (byFile[violation.from] ??= []).push(violation.rule.name);
      for (const names of Object.values(byFile)) names.sort();
      return byFile;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it(
    'reports each planted violation by its rule, and nothing in a clean room that points down',
    { timeout: 60_000 },
    () => {
      const found = violationsIn({
        'electron/engine/platform/ok.ts': 'export const ok = 1;\n',
        'electron/engine/ask/down.ts': "import { ok } from '../platform/ok.ts';\nexport const down = ok;\n",
        'electron/engine/platform/up.ts': "import { b } from '../search/b.ts';\nexport const up = b;\n",
        'electron/engine/search/b.ts': 'export const b = 1;\n',
        'electron/engine/ask/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = () => b;\n",
        'electron/engine/ask/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = () => a;\n",
        'electron/engine/app/shell.ts': "import { app } from 'electron';\nexport const shell = app;\n",
        'renderer/src/node.ts': "import { readFileSync } from 'node:fs';\nexport const node = readFileSync;\n",
        'electron/engine/search/demo-user.ts': "import { d } from '../demo/d.ts';\nexport const user = d;\n",
        'electron/engine/demo/d.ts': 'export const d = 1;\n',
        'electron/engine/query/test-user.ts': "import { t } from '../../../test/t.ts';\nexport const user = t;\n",
        'test/t.ts': 'export const t = 1;\n',
      });
      expect(found['electron/engine/ask/down.ts']).toBeUndefined();
      expect(found['electron/engine/platform/up.ts']).toEqual(['engine-layer-platform']);
      expect(found['electron/engine/ask/cycle-a.ts']).toEqual(['no-circular']);
      expect(found['electron/engine/app/shell.ts']).toEqual(['no-electron-outside-main-and-preload']);
      expect(found['renderer/src/node.ts']).toEqual(['renderer-no-node']);
      expect(found['electron/engine/search/demo-user.ts']).toEqual(['engine-layer-search']);
      expect(found['electron/engine/query/test-user.ts']).toEqual(['product-not-into-tests']);
    },
  );
});
