#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): the renderer with Vite, then with esbuild main, preload and
// workers into dist/electron, and the CLI into dist/cli (code split: a command loads only the chunks it uses).
import { build as esbuild } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { build as viteBuild } from 'vite';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

const started = Date.now();
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

rmSync('dist/electron', { recursive: true, force: true });
rmSync('dist/cli', { recursive: true, force: true });
// Native, WASM and optional driver modules stay outside the bundle; better-sqlite3 is loaded from node_modules (dev) or
// from the Electron-ABI copy that SCHEMASCOPE_SQLITE_BINDING points at.
const external = ['electron', 'better-sqlite3', 'tiktoken', 'pg-native', 'cloudflare:sockets'];
// ES module bundles of CommonJS drivers need a real `require` for Node built-ins.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const define = {
  'process.env.SCHEMASCOPE_BUNDLED': '"1"',
  'process.env.SCHEMASCOPE_BUILD_VERSION': JSON.stringify(version),
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  define,
};

await Promise.all([
  esbuild({
    ...common,
    entryPoints: { main: 'electron/main/main.ts' },
    outdir: 'dist/electron',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
  }),
  esbuild({
    ...common,
    entryPoints: { preload: 'electron/preload/preload.ts' },
    outdir: 'dist/electron',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
  }),
  esbuild({
    ...common,
    entryPoints: {
      'sqlite-query-process': 'electron/engine/sources/sqlite/sqlite-query-process.ts',
      'indexer-worker': 'electron/engine/search/indexer-worker.ts',
      'local-embed-worker': 'electron/engine/search/local-embed-worker.ts',
      'catalog-writer-worker': 'electron/engine/catalog/catalog-writer-worker.ts',
      'context-prep-worker': 'electron/engine/ask/context-prep-worker.ts',
      'refresh-worker': 'electron/engine/sources/refresh-worker.ts',
    },
    outdir: 'dist/electron/workers',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
  }),
  // The CLI runs from the repo, next to node_modules: packages stay external (loaded when a chunk needs them),
  // except the MCP SDK and its JSON-schema validator, whose hundred-odd small files (CommonJS, for ajv) cost
  // `schemascope mcp` a quarter of a second to load one by one; bundled, they are one chunk.
  esbuild({
    ...common,
    entryPoints: { main: 'electron/cli/main.ts' },
    plugins: [
      externalPackagesExcept(
        /^(@modelcontextprotocol\/sdk|ajv|ajv-formats|fast-uri|fast-deep-equal|json-schema-traverse)(\/|$)/,
      ),
    ],
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outdir: 'dist/cli',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
  }),
]);
/** Like `packages: 'external'`, but the packages matching `bundled` go into the bundle. */
function externalPackagesExcept(bundled) {
  return {
    name: 'external-packages-except',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        bundled.test(args.path) ? undefined : { path: args.path, external: true },
      );
    },
  };
}

console.error(`built dist/renderer, dist/electron and dist/cli in ${((Date.now() - started) / 1000).toFixed(1)} s`);
