/**
 * The house plan, enforced (`npm run lint`). Engine rooms point down only, bottom to top:
 *   platform -> catalog -> sources -> search -> query -> ask -> metrics -> app
 * `demo/` (the demo database generator) sits beside catalog and imports only platform. Process boundaries: the
 * renderer never reaches Node or the engine, the preload only `electron` and the channel list, `shared/` only zod,
 * no engine or front-door code imports `electron`, and the product never imports tests, benchmarks or scripts.
 */
const LAYERS = ['platform', 'catalog', 'sources', 'search', 'query', 'ask', 'metrics', 'app'];
const ENGINE = '^electron/engine/';

const layerRules = LAYERS.map((layer, index) => ({
  name: `engine-layer-${layer}`,
  comment: `electron/engine/${layer} may import only the rooms below it (${LAYERS.slice(0, index).join(', ') || 'none'}), demo/ from app only`,
  severity: 'error',
  from: { path: `${ENGINE}${layer}/` },
  to: { path: `${ENGINE}(${[...LAYERS.slice(index + 1), ...(layer === 'app' ? [] : ['demo'])].join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'No import cycles anywhere.', severity: 'error', from: {}, to: { circular: true } },
    ...layerRules,
    {
      name: 'engine-demo-below-catalog',
      comment: 'The demo generator imports only platform (it writes a SQLite file; it knows no service).',
      severity: 'error',
      from: { path: `${ENGINE}demo/` },
      to: { path: `${ENGINE}(?!demo/|platform/)` },
    },
    {
      name: 'engine-rooms-only',
      comment: 'Engine code lives in a room; a file directly under electron/engine/ belongs to none.',
      severity: 'error',
      from: { path: `${ENGINE}[^/]+$` },
      to: {},
    },
    {
      name: 'no-electron-outside-main-and-preload',
      comment:
        'Only electron/main and electron/preload import electron: the engine runs unchanged in the CLI, web mode and tests.',
      severity: 'error',
      from: { path: '^(electron/(engine|cli|web|mcp)|shared|renderer)/' },
      to: { path: '^electron$', dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-no-pkg', 'unknown', 'undetermined'] },
    },
    {
      name: 'engine-not-into-front-doors',
      comment: 'The engine knows no front door (Electron main, CLI, web, MCP).',
      severity: 'error',
      from: { path: ENGINE },
      to: { path: '^electron/(main|preload|cli|web|mcp)/' },
    },
    {
      name: 'renderer-sandboxed',
      comment:
        'The renderer imports shared/ and browser packages only: no Node built-ins, no drivers, no electron/ code.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron/|node_modules/(better-sqlite3|mysql2|pg|tiktoken|openai)/)' },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-minimal',
      comment: 'The sandboxed preload imports electron and the dependency-free channel list, nothing else.',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { pathNot: '^(shared/ipc-channels\\.ts|electron)$', dependencyTypesNot: ['core'] },
    },
    {
      name: 'shared-self-contained',
      comment: 'shared/ runs everywhere: it imports itself and zod only.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: '^(shared/|node_modules/zod/)' },
    },
    {
      name: 'product-not-into-tests',
      comment: 'Tests, benchmarks and scripts import the product, never the other way round.',
      severity: 'error',
      from: { path: '^(electron|shared|renderer)/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release|out|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
