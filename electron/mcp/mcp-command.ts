import type { Engine } from '../engine/app/engine.ts';
import { callThroughDispatch, stderrLog, type McpLog } from './mcp-backend.ts';
import type { McpBackend } from './tools/tool-kit.ts';
import { createMcpServer } from './mcp-server.ts';
import { SourceDirectory } from './source-directory.ts';
import { DEFAULT_ENCODING } from './mcp-limits.ts';

export interface McpRunOptions {
  /** The engine, created on first call: stdio answers `initialize` before paying for it. */
  readonly engine: () => Promise<Engine>;
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
 * loopback. Over stdio the server answers `initialize` first and then opens the engine and resolves the sources (an
 * unknown `--source` then ends the process with its error); over HTTP both happen before it listens. Cached schemas
 * are refreshed in the background so calls answer at once, from the cache if need be.
 */
export async function runMcp(options: McpRunOptions): Promise<void> {
  const log = options.log ?? stderrLog;
  let ready: Promise<McpBackend> | undefined;
  const backend = () =>
    (ready ??= (async () => {
      const call = callThroughDispatch((await options.engine()).handlers);
      const directory = await SourceDirectory.open(call, log, options.sources);
      directory.refreshAll(await directory.list());
      warmTokenizer();
      return { call, directory };
    })());
  const create = () => createMcpServer({ backend, version: options.version, log });
  const stopped = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGTERM', () => resolve());
  });
  if (options.http) {
    await backend();
    const { startMcpHttpServer } = await import('./mcp-http.ts');
    const server = await startMcpHttpServer({ createServer: create, port: options.port, token: options.token });
    options.announce({ url: server.url, port: server.port, token: server.token });
    await stopped;
    await server.close();
  } else {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = create();
    const transport = new StdioServerTransport();
    let failure: unknown;
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
      process.stdin.once('close', () => resolve());
      // Opened once the client has its answer to `initialize`; a failure (an unknown --source) ends the server.
      server.server.oninitialized = () =>
        void backend().catch((error: unknown) => {
          failure = error;
          resolve();
        });
    });
    await server.connect(transport);
    await Promise.race([closed, stopped]);
    await server.close().catch(() => undefined);
    if (failure) throw failure;
  }
  const directory = await ready?.then((opened) => opened.directory).catch(() => undefined);
  // A refresh still waiting on an unreachable database is not worth waiting for: closing the engine ends it.
  if (directory)
    await Promise.race([directory.settled(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
}

/** Every answer is counted with tiktoken, whose o200k encoder takes 0.4-0.9 s to build: built before the first call needs it. */
function warmTokenizer(): void {
  setTimeout(
    () =>
      void import('../engine/platform/token-counter.ts').then(({ countTokens }) =>
        countTokens('warm', DEFAULT_ENCODING),
      ),
    WARM_DELAY_MS,
  ).unref();
}

const SHUTDOWN_WAIT_MS = 2000;
/** After the client's `tools/list`, which follows `initialize` at once. */
const WARM_DELAY_MS = 50;
