import type { Engine } from '../engine/engine.ts';
import { callThroughDispatch, stderrLog, type McpLog } from './mcp-backend.ts';
import { createMcpServer } from './mcp-server.ts';
import { SourceDirectory } from './source-directory.ts';
import { DEFAULT_ENCODING } from './mcp-limits.ts';

export interface McpRunOptions {
  readonly engine: Engine;
  readonly version: string;
  readonly sources: readonly string[];
  readonly http: boolean;
  readonly port?: number;
  readonly token?: string;
  /** Where `--http` prints its URL and token (stdout); stdio mode prints nothing there, stdout is the protocol. */
  readonly announce: (address: { url: string; port: number; token: string }) => void;
  readonly signal: AbortSignal;
  readonly log?: McpLog;
}

/**
 * `schemascope mcp`: serves MCP over stdio (until stdin ends or a signal) or, with `--http`, Streamable HTTP on
 * loopback. Sources are resolved first (an unknown `--source` fails at start, not at the first call); their cached
 * schemas are refreshed in the background so the first call answers at once, from the cache if need be.
 */
export async function runMcp(options: McpRunOptions): Promise<void> {
  const log = options.log ?? stderrLog;
  // Every answer is counted with tiktoken, whose o200k encoder takes 0.4-0.9 s to build: built once the server
  // answers, rather than during the agent's first call.
  const warmTokenizer = () => setTimeout(() => void import('../engine/embeddings/token-counter.ts').then(({ countTokens }) => countTokens('warm', DEFAULT_ENCODING)), WARM_DELAY_MS).unref();
  const call = callThroughDispatch(options.engine.handlers);
  const directory = await SourceDirectory.open(call, log, options.sources);
  const create = () => createMcpServer({ call, directory, version: options.version, log });
  const stopped = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGTERM', () => resolve());
  });
  if (options.http) {
    const { startMcpHttpServer } = await import('./mcp-http.ts');
    const server = await startMcpHttpServer({ createServer: create, port: options.port, token: options.token });
    options.announce({ url: server.url, port: server.port, token: server.token });
    directory.refreshAll(await directory.list());
    warmTokenizer();
    await stopped;
    await server.close();
  } else {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = create();
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
      process.stdin.once('close', () => resolve());
    });
    await server.connect(transport);
    directory.refreshAll(await directory.list());
    warmTokenizer();
    await Promise.race([closed, stopped]);
    await server.close().catch(() => undefined);
  }
  // A refresh still waiting on an unreachable database is not worth waiting for: closing the engine ends it.
  await Promise.race([directory.settled(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
}

const SHUTDOWN_WAIT_MS = 2000;
/** After the client's `initialize` and `tools/list`, which arrive right after start. */
const WARM_DELAY_MS = 150;
