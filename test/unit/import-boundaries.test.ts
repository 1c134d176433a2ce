import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  const patterns = [/\bimport\s[^'"]*?from\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\bexport\s[^'"]*?from\s*['"]([^'"]+)['"]/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
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
    expect(importsOf(`import a from 'electron';\nimport { b } from "../x.ts";\nconst c = await import('node:fs');\nexport * from './y.ts';`)).toEqual(['electron', '../x.ts', 'node:fs', './y.ts']);
  });

  it('the renderer imports only shared/ and browser packages: no electron, no node:*, no engine code', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('renderer')) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        const bad =
          specifier === 'electron' ||
          specifier.startsWith('node:') ||
          ['fs', 'path', 'child_process', 'os', 'worker_threads', 'better-sqlite3', 'mysql2', 'pg'].includes(specifier) ||
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
        if (specifier === 'electron' || specifier.startsWith('electron/') || resolvesInto(file, specifier, path.join('electron', 'main'))) offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the engine never imports a front door (CLI, web mode, MCP server): they import it', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join('electron', 'engine'))) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (['cli', 'web', 'mcp'].some((door) => resolvesInto(file, specifier, path.join('electron', door)))) offenders.push(`${file} -> ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the MCP server reaches the engine through dispatch, never a handler or a driver directly', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join('electron', 'mcp'))) {
      for (const specifier of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (['pg', 'mysql2', 'mysql2/promise', 'better-sqlite3'].includes(specifier) || /engine\/(ipc\/create-handlers|sources\/[a-z]+-pool|query\/sql-door)/.test(specifier)) offenders.push(`${file} -> ${specifier}`);
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
    const specifiers = sourceFiles(path.join('electron', 'preload')).flatMap((file) => importsOf(readFileSync(path.join(root, file), 'utf8')));
    expect(new Set(specifiers)).toEqual(new Set(['electron', '../../shared/ipc-channels.ts']));
  });
});
