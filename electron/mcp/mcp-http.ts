import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { checkHostAndOrigin, newToken, requestToken, tokensEqual } from '../web/web-auth.ts';
import { BodyTooLargeError, readBody, writeJson } from '../web/http-body.ts';

/** Open MCP sessions at once; one more is refused (429) until one closes. */
export const MAX_SESSIONS = 16;
export const MCP_PATH = '/mcp';

export interface McpHttpOptions {
  /** A new server per session (the SDK binds one server to one transport). */
  readonly createServer: () => McpServer;
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly token?: string;
}

export interface McpHttpServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly sessions: () => number;
  close(): Promise<void>;
}

/**
 * Streamable HTTP on 127.0.0.1 only, with the web mode's checks: the Host must be this loopback server and an Origin,
 * when sent, our own (DNS rebinding, cross-site pages); every request carries the token (`Authorization: Bearer`).
 * Sessions are stateful (cancellation notifications reach the call they cancel) and bounded.
 */
export async function startMcpHttpServer(options: McpHttpOptions): Promise<McpHttpServer> {
  const token = options.token ?? newToken();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let port = options.port ?? 0;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        refuse(response, 500, `Internal error: ${error instanceof Error ? error.name : 'unknown'}`);
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    const refusal = checkHostAndOrigin(request, port);
    if (refusal) return refuse(response, 403, refusal);
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!tokensEqual(token, requestToken(request, url, false)))
      return refuse(
        response,
        401,
        'Missing or wrong token: send "Authorization: Bearer <token>" as printed by `schemascope mcp --http`.',
      );
    if (url.pathname !== MCP_PATH) return refuse(response, 404, `MCP is served at ${MCP_PATH}.`);

    const sessionId = headerOf(request, 'mcp-session-id');
    let body: unknown;
    if (request.method === 'POST') {
      try {
        body = JSON.parse(await readBody(request));
      } catch (error) {
        return refuse(
          response,
          error instanceof BodyTooLargeError ? 413 : 400,
          error instanceof BodyTooLargeError ? error.message : 'The body is not valid JSON.',
        );
      }
    }
    if (sessionId !== undefined) {
      const transport = sessions.get(sessionId);
      if (!transport) return refuse(response, 404, 'Unknown or closed session: initialize again.');
      return transport.handleRequest(request, response, body);
    }
    if (request.method !== 'POST' || !isInitializeRequest(body))
      return refuse(response, 400, 'No session: the first request initializes one.');
    if (sessions.size >= MAX_SESSIONS) return refuse(response, 429, `Too many open sessions (${MAX_SESSIONS}).`);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await options.createServer().connect(transport);
    return transport.handleRequest(request, response, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    port,
    token,
    sessions: () => sessions.size,
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close().catch(() => undefined)));
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(response: ServerResponse, status: number, message: string): void {
  writeJson(response, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}
