import { AppError } from '../../../shared/errors.ts';
import { appVersion } from '../../engine/platform/app-version.ts';
import { runMcp } from '../../mcp/mcp-command.ts';
import type { CommandRun } from '../command-context.ts';

function portOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AppError(
      'invalid_input',
      `--port must be a whole number from 0 (any free port) to 65535, got "${value}".`,
    );
  return port;
}

/** `schemascope mcp`: the MCP front door (electron/mcp) over this process's engine, until stdin ends or a signal. */
export const mcp: CommandRun = async (context) => {
  const { values } = context;
  if (values.port !== undefined && !values.http)
    throw new AppError('invalid_input', '--port goes with --http (stdio needs no port).');
  const port = portOf(values.port);
  await runMcp({
    engine: () => context.openEngine(),
    version: appVersion(),
    sources: values.source ?? [],
    http: Boolean(values.http),
    port,
    token: process.env.SCHEMASCOPE_MCP_TOKEN || undefined,
    signal: context.signal,
    announce: ({ url, port: listening, token }) => {
      if (values.json) context.io.stdout(JSON.stringify({ url, port: listening, token }));
      else
        context.io.stdout(
          `Schemascope MCP server (Streamable HTTP, loopback only): ${url}\nAuthorization: Bearer ${token}`,
        );
    },
  });
  return { output: {}, quiet: true };
};
