import { parseArgs } from 'node:util';
import { serializeError } from '../../shared/errors.ts';
import type { CliIo, CommandContext, Values } from './command-context.ts';
import { COMMANDS, GLOBAL_OPTIONS, helpText, OPTIONS } from './command-table.ts';

export type { CliIo } from './command-context.ts';

/** Exit codes: 0 done, 1 failed, 2 bad usage, 4 done but some items failed (`index`). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_PARTIAL = 4;

/**
 * Runs one CLI command; returns the exit code, never throws. The command table is data; a command's code (and the
 * engine) is imported only when it runs, so `--help` and `--version` answer at once. Commands call the same handler
 * table as IPC and web mode, through `dispatch`, so every payload is validated by the contract (mode "cli").
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }) as {
      values: Values;
      positionals: string[];
    };
  } catch (error) {
    io.stderr(`schemascope: invalid_input: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  // Two-word commands (`note set`, `pack import`) are looked up first.
  const [first, ...rest] = positionals;
  const twoWords = first !== undefined && rest.length > 0 && COMMANDS.has(`${first} ${rest[0]}`);
  const name = twoWords ? `${first} ${rest[0]}` : first;
  const args = twoWords ? rest.slice(1) : rest;
  if (values.version) {
    const version = (await import('../engine/platform/app-version.ts')).appVersion();
    io.stdout(values.json ? JSON.stringify({ version }) : version);
    return 0;
  }
  if (values.help || !name) {
    if (values.json)
      io.stdout(
        JSON.stringify({
          commands: Object.fromEntries(
            [...COMMANDS].map(([command, spec]) => [command, { usage: spec.usage, summary: spec.summary }]),
          ),
        }),
      );
    else io.stdout(helpText());
    return name || values.help ? 0 : EXIT_USAGE;
  }
  const spec = COMMANDS.get(name);
  if (!spec) {
    io.stderr(`schemascope: invalid_input: unknown command "${name}" (see --help)`);
    return EXIT_USAGE;
  }
  const refused = Object.keys(values).filter(
    (option) => !GLOBAL_OPTIONS.includes(option as never) && !spec.options.includes(option as never),
  );
  if (refused.length > 0 || args.length !== spec.positionals.length) {
    const problem =
      refused.length > 0
        ? `${name} does not take --${refused[0]}`
        : `${name} takes ${spec.positionals.length || 'no'} argument(s)`;
    io.stderr(`schemascope: invalid_input: ${problem}; usage: schemascope ${spec.usage}`);
    return EXIT_USAGE;
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  let engine: CommandContext['engine'] | undefined;
  try {
    const loadEngine = () => import('../engine/app/engine.ts');
    const [run, engineModule, { resolveHome }, { callThroughDispatch }] = await Promise.all([
      spec.load(),
      spec.lazyEngine ? undefined : loadEngine(),
      import('../engine/platform/app-home.ts'),
      import('./command-context.ts'),
    ]);
    const home = resolveHome(values.home);
    let createEngine = engineModule?.createEngine;
    // Created on first use: a command that answers before touching it (mcp's initialize) does not wait for it.
    const engineOf = () => {
      if (!createEngine) throw new Error(`${name} loads the engine with openEngine()`);
      return (engine ??= createEngine({ home, mode: spec.engineMode ?? 'cli' }));
    };
    const context: CommandContext = {
      get engine() {
        return engineOf();
      },
      async openEngine() {
        createEngine ??= (await loadEngine()).createEngine;
        return engineOf();
      },
      io,
      args,
      values,
      signal: controller.signal,
      call: async (channel, request) =>
        callThroughDispatch(await context.openEngine(), controller.signal)(channel, request),
    };
    const outcome = await run(context);
    if (outcome.quiet) return 0;
    io.stdout(values.json ? JSON.stringify(outcome.output) : formatHuman(outcome.output));
    if (outcome.partial) {
      io.stderr(`schemascope: partial: ${outcome.partial}`);
      return EXIT_PARTIAL;
    }
    return 0;
  } catch (error) {
    const serialized = serializeError(error);
    io.stderr(`schemascope: ${serialized.kind}: ${serialized.message.split('\n')[0]}`);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', interrupt);
    await engine?.close().catch(() => undefined);
  }
}

function formatHuman(output: Record<string, unknown>): string {
  if (Array.isArray(output.rows) && Array.isArray(output.columns)) {
    const columns = output.columns as { name: string }[];
    const rows = output.rows as unknown[][];
    const cell = (value: unknown): string =>
      value === null ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return [
      columns.map((column) => column.name).join('\t'),
      ...rows.map((row) => row.map(cell).join('\t')),
      `(${rows.length} rows${output.truncated ? ', truncated' : ''}, ${String(output.ms)} ms)`,
    ].join('\n');
  }
  return Object.entries(output)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}
