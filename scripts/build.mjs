#!/usr/bin/env node
// `npm run build`: the renderer with Vite, then main, preload and workers with esbuild into dist/electron.
import { build as esbuild } from 'esbuild';
import { rmSync } from 'node:fs';
import { build as viteBuild } from 'vite';

const started = Date.now();
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

rmSync('dist/electron', { recursive: true, force: true });
// Native, WASM and optional driver modules stay outside the bundle; better-sqlite3 is loaded from node_modules (dev) or
// from the Electron-ABI copy that SCHEMASCOPE_SQLITE_BINDING points at.
const external = ['electron', 'better-sqlite3', 'tiktoken', 'pg-native', 'cloudflare:sockets'];
// ES module bundles of CommonJS drivers need a real `require` for Node built-ins.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, external, logLevel: 'warning', define: { 'process.env.SCHEMASCOPE_BUNDLED': '"1"' } };

await Promise.all([
  esbuild({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/electron', format: 'esm', outExtension: { '.js': '.mjs' }, banner: { js: requireShim } }),
  esbuild({ ...common, entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/electron', format: 'cjs', outExtension: { '.js': '.cjs' } }),
  esbuild({
    ...common,
    entryPoints: {
      'sqlite-query-worker': 'electron/engine/sources/sqlite-query-worker.ts',
      'indexer-worker': 'electron/engine/embeddings/indexer-worker.ts',
      'catalog-writer-worker': 'electron/engine/catalog/catalog-writer-worker.ts',
      'context-prep-worker': 'electron/engine/query/context-prep-worker.ts',
    },
    outdir: 'dist/electron/workers',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
  }),
]);
console.error(`built dist/renderer and dist/electron in ${((Date.now() - started) / 1000).toFixed(1)} s`);
