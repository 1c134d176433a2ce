import { AppError } from '../../../shared/errors.ts';
import { appVersion } from '../../engine/platform/app-version.ts';
import { runMcp } from '../../mcp/mcp-command.ts';
import { portOption, type CommandRun } from '../command-context.ts';

/** `schemascope mcp`: the MCP front door (electron/mcp) over this process's engine, until stdin ends or a signal. */
export const mcp: CommandRun = async (context) => {
  const { values } = context;
  if (values.port !== undefined && !values.http)
    throw new AppError('invalid_input', '--port goes with --http (stdio needs no port).');
  const port = portOption(values.port);
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
