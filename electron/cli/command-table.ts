/**
 * The CLI's commands as data: usage, options and how to load each one. Nothing heavy is imported here, so that
 * `schemascope --help` answers without loading the engine; a command's code is imported when it runs.
 */
import type { CommandRun } from './command-context.ts';
import type { OptionName } from './options.ts';

export { GLOBAL_OPTIONS, OPTIONS, type OptionName } from './options.ts';

export interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  /** Names of the positional arguments, in order (all required). */
  readonly positionals: readonly string[];
  readonly options: readonly OptionName[];
  /** Imports the command's code. */
  readonly load: () => Promise<CommandRun>;
  /** The engine's mode for this command (default `cli`): what `app/info` and the metrics report. */
  readonly engineMode?: 'cli' | 'mcp';
  /** The engine's code is loaded when the command opens it (`openEngine`), not before it runs. */
  readonly lazyEngine?: boolean;
}

const INDEX_OPTIONS: readonly OptionName[] = [
  'provider',
  'base-url',
  'api-key',
  'model',
  'dimensions',
  'concurrency',
  'max-inputs',
  'rpm',
  'tpm',
  'offline',
];

/** A `Map`: the command name comes from the command line, and `constructor` is not a command. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  [
    'introspect',
    {
      usage: 'introspect URL [--offline] [--values on|off]',
      summary:
        'Introspect a database and cache its schema snapshot; --values on also keeps example values of text columns (used in contexts, sent to the model).',
      positionals: ['URL'],
      options: ['offline', 'values'],
      load: async () => (await import('./commands/introspect.ts')).introspect,
    },
  ],
  [
    'index',
    {
      usage:
        'index URL [--provider local|openai] [--base-url U] [--api-key K] [--model M] [--dimensions N] [--concurrency N] [--max-inputs N] [--rpm N] [--tpm N]',
      summary:
        'Embed every table and column into the on-disk cache (default provider: local, offline). Exit code 4 when some items failed.',
      positionals: ['URL'],
      options: INDEX_OPTIONS,
      load: async () => (await import('./commands/index-source.ts')).indexSource,
    },
  ],
  [
    'search',
    {
      usage: 'search URL TEXT [--k N] [--offline]',
      summary: 'Find tables and columns by meaning.',
      positionals: ['URL', 'TEXT'],
      options: ['k', 'offline'],
      load: async () => (await import('./commands/search.ts')).search,
    },
  ],
  [
    'context',
    {
      usage: 'context URL QUESTION [--budget N] [--model M] [--encoding o200k_base|cl100k_base] [--offline]',
      summary: 'Show the schema context packed for a question under a token budget.',
      positionals: ['URL', 'QUESTION'],
      options: ['budget', 'model', 'encoding', 'offline'],
      load: async () => (await import('./commands/context.ts')).context,
    },
  ],
  [
    'ask',
    {
      usage:
        'ask URL QUESTION [--llm-base-url U] [--llm-model M] [--llm-api-key K] [--llm-timeout-ms N] [--model M] [--budget N] [--run] [--limit N] [--offline]',
      summary: 'Generate SQL for a question with a language model (and run it read-only).',
      positionals: ['URL', 'QUESTION'],
      options: [
        'llm-base-url',
        'llm-model',
        'llm-api-key',
        'llm-timeout-ms',
        'model',
        'budget',
        'run',
        'limit',
        'offline',
      ],
      load: async () => (await import('./commands/ask.ts')).ask,
    },
  ],
  [
    'query',
    {
      usage: 'query URL SQL [--limit N] [--timeout-ms N]',
      summary: 'Run one read-only statement with a row limit and a server-side timeout.',
      positionals: ['URL', 'SQL'],
      options: ['limit', 'timeout-ms'],
      load: async () => (await import('./commands/query.ts')).query,
    },
  ],
  [
    'explain',
    {
      usage: 'explain URL SQL [--timeout-ms N]',
      summary:
        'Show the plan of one read-only query with estimated rows and cost, and warnings (full scans of large tables, joins without an index); the query is never run.',
      positionals: ['URL', 'SQL'],
      options: ['timeout-ms'],
      load: async () => (await import('./commands/explain.ts')).explain,
    },
  ],
  [
    'stats',
    {
      usage: 'stats [--out FILE]',
      summary:
        'Print the metrics snapshot (memory, caches, pools, latencies); --out also writes it to a file for a bug report.',
      positionals: [],
      options: ['out'],
      load: async () => (await import('./commands/stats.ts')).stats,
    },
  ],
  [
    'note set',
    {
      usage: 'note set URL OBJECT TEXT [--offline]',
      summary:
        'Write the team\'s note on a table or column (OBJECT: table, table.column, or schema.table[.column] with several schemas; "a.b".c quotes a name with a dot).',
      positionals: ['URL', 'OBJECT', 'TEXT'],
      options: ['offline'],
      load: async () => (await import('./commands/note.ts')).noteSet,
    },
  ],
  [
    'note list',
    {
      usage: 'note list URL [--match TEXT]',
      summary:
        'List the notes of a source (attached: false when the object is gone from the schema); --match searches them offline.',
      positionals: ['URL'],
      options: ['match'],
      load: async () => (await import('./commands/note.ts')).noteList,
    },
  ],
  [
    'note rm',
    {
      usage: 'note rm URL OBJECT',
      summary: 'Remove the note on a table or column (also when the object is gone).',
      positionals: ['URL', 'OBJECT'],
      options: [],
      load: async () => (await import('./commands/note.ts')).noteRemove,
    },
  ],
  [
    'example add',
    {
      usage: 'example add URL QUESTION SQL',
      summary:
        'Keep a question with the SQL that answered it well: the nearest examples go into the context of later questions.',
      positionals: ['URL', 'QUESTION', 'SQL'],
      options: [],
      load: async () => (await import('./commands/example.ts')).exampleAdd,
    },
  ],
  [
    'example list',
    {
      usage: 'example list URL',
      summary: 'List the examples of a source, with the tables each one names.',
      positionals: ['URL'],
      options: [],
      load: async () => (await import('./commands/example.ts')).exampleList,
    },
  ],
  [
    'example rm',
    {
      usage: 'example rm URL ID',
      summary: 'Remove an example by its id.',
      positionals: ['URL', 'ID'],
      options: [],
      load: async () => (await import('./commands/example.ts')).exampleRemove,
    },
  ],
  [
    'pack export',
    {
      usage: 'pack export URL FILE [--include-values] [--vectors PROVIDER] [--offline]',
      summary:
        'Write a schema pack: the cached snapshot, notes, glossary and examples (never credentials; example values only with --include-values when value profiles are on; --vectors adds that provider\'s index, e.g. the "provider" that index reported).',
      positionals: ['URL', 'FILE'],
      options: ['include-values', 'vectors', 'offline'],
      load: async () => (await import('./commands/pack.ts')).packExport,
    },
  ],
  [
    'pack import',
    {
      usage: 'pack import FILE',
      summary:
        "Import a schema pack offline (checked first: format, version, checksum, sizes); prints the diff against the source's existing snapshot.",
      positionals: ['FILE'],
      options: [],
      load: async () => (await import('./commands/pack.ts')).packImport,
    },
  ],
  [
    'serve',
    {
      usage: 'serve [--port N]',
      summary: 'Serve the UI and API on 127.0.0.1 with a random token (--port 0: any free port).',
      positionals: [],
      options: ['port'],
      load: async () => (await import('./commands/serve.ts')).serve,
    },
  ],
  [
    'mcp',
    {
      usage: 'mcp [--source NAME|URL|NAME=URL]... [--http [--port N]]',
      summary:
        'Serve AI agents over MCP (stdio; --http: Streamable HTTP on 127.0.0.1 with a token): ranked, token-capped schema context and read-only SQL.',
      positionals: [],
      options: ['source', 'http', 'port'],
      load: async () => (await import('./commands/mcp.ts')).mcp,
      engineMode: 'mcp',
      lazyEngine: true,
    },
  ],
]);

export function helpText(): string {
  const specs = [...COMMANDS.values()];
  const width = Math.max(...specs.map((command) => command.usage.length));
  return [
    'Usage: schemascope <command> [options]',
    '',
    'Commands:',
    ...specs.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Options for every command:',
    '  --json        print exactly one JSON object on stdout (progress and logs go to stderr)',
    '  --home DIR    where the catalog and caches live (or env SCHEMASCOPE_HOME)',
    '',
    'URLs: sqlite:PATH, mysql://user:pass@host:3306/db, postgres://user:pass@host:5432/db.',
    'A password can also come from env SCHEMASCOPE_PASSWORD; it is never written to disk.',
    'Exit codes: 0 done, 1 failed, 2 bad usage, 4 done but some items failed (index).',
  ].join('\n');
}
