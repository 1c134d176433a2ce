import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What an AI client's configuration needs to start `schemascope mcp` for one source. */
export interface McpCommand {
  readonly sourceId: string;
  readonly name: string;
  /** The command line to paste into a terminal (POSIX shell quoting). */
  readonly shell: string;
  /** `command` and `args` as the clients' JSON configurations take them. */
  readonly command: string;
  readonly args: readonly string[];
  /** The JSON entry for a client's `mcpServers` (Claude Desktop, Cursor). */
  readonly config: string;
  /** Whether the source has a password, which the client must then pass as env SCHEMASCOPE_PASSWORD. */
  readonly needsPassword: boolean;
}

/**
 * The CLI script of this installation (`bin/schemascope.mjs` beside the nearest package.json), or null when there is
 * none outside an archive (a packaged app's asar cannot be run by `node`).
 */
export function cliScript(): string | null {
  if (process.env.SCHEMASCOPE_CLI_SCRIPT) return process.env.SCHEMASCOPE_CLI_SCRIPT;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const script = path.join(dir, 'bin', 'schemascope.mjs');
  return existsSync(script) && !script.includes('.asar') ? script : null;
}

/** Single-quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** The command per source: `node <script> mcp --home <data folder> --source <name>`. */
export function mcpCommands(input: {
  script: string;
  home: string;
  sources: readonly { id: string; name: string; hasPassword: boolean }[];
}): McpCommand[] {
  return input.sources.map((source) => {
    const args = [input.script, 'mcp', '--home', input.home, '--source', source.name];
    const entry: Record<string, unknown> = { command: 'node', args };
    if (source.hasPassword) entry.env = { SCHEMASCOPE_PASSWORD: '<password>' };
    return {
      sourceId: source.id,
      name: source.name,
      shell: ['node', ...args].map(shellQuote).join(' '),
      command: 'node',
      args,
      config: JSON.stringify({ mcpServers: { [serverName(source.name)]: entry } }, null, 2),
      needsPassword: source.hasPassword,
    };
  });
}

/** A server name clients accept: letters, digits, dashes. */
function serverName(sourceName: string): string {
  const slug = sourceName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `schemascope-${slug || 'source'}`;
}
