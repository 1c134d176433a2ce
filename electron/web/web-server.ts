import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { AppError, serializeError, type Envelope } from '../../shared/errors.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.ts';
import { dispatch } from '../engine/app/dispatch.ts';
import type { HandlerTable } from '../engine/app/handler-table.ts';
import type { EventHub } from '../engine/platform/event-hub.ts';
import { ownValue } from '../../shared/own-value.ts';
import { checkHostAndOrigin, newToken, requestToken, TOKEN_COOKIE, tokensEqual } from './web-auth.ts';
import { BodyTooLargeError, readBody, writeJson } from './http-body.ts';

export interface WebServerOptions {
  readonly handlers: HandlerTable;
  readonly events: EventHub;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly token?: string;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_EVENT_STREAMS = 16;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Web mode: the same UI and handler table over HTTP + server-sent events, on 127.0.0.1 only, behind a random
 * token. Every route refuses a request without the token (401) or from a foreign Host/Origin (403).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken();
  let port = options.port ?? 0;
  let streams = 0;
  const root = path.resolve(options.staticDir);

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: serializeError(error) });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Frame-Options', 'DENY');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const refusal = checkHostAndOrigin(request, port);
    if (refusal) return sendJson(response, 403, { ok: false, error: { kind: 'unauthorized', message: refusal } });
    const isPage = request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html');
    const given = requestToken(request, url, isPage || url.pathname === '/api/events');
    if (!tokensEqual(token, given)) {
      return sendJson(response, 401, {
        ok: false,
        error: {
          kind: 'unauthorized',
          message: 'Missing or wrong token: open the URL printed by `schemascope serve`.',
        },
      });
    }

    if (url.pathname.startsWith('/api/')) {
      response.setHeader('Cache-Control', 'no-store');
      if (url.pathname === '/api/events' && request.method === 'GET') return streamEvents(request, response);
      if (request.method !== 'POST')
        return sendJson(response, 405, { ok: false, error: { kind: 'invalid_input', message: 'API calls use POST.' } });
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(response, 415, {
          ok: false,
          error: { kind: 'invalid_input', message: 'API calls send application/json.' },
        });
      }
      const channel = url.pathname.slice('/api/'.length);
      let payload: unknown;
      try {
        payload = JSON.parse(await readBody(request));
      } catch (error) {
        return sendJson(response, error instanceof BodyTooLargeError ? 413 : 400, {
          ok: false,
          error:
            error instanceof AppError
              ? serializeError(error)
              : { kind: 'invalid_input', message: 'The request body is not valid JSON.' },
        });
      }
      const controller = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) controller.abort();
      });
      const envelope = await dispatch(options.handlers, channel, payload, { signal: controller.signal });
      return sendJson(response, 200, envelope);
    }

    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendJson(response, 405, { ok: false, error: { kind: 'invalid_input', message: 'Method not allowed.' } });
    if (isPage && url.searchParams.has('token')) {
      response.setHeader(
        'Set-Cookie',
        `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
    }
    return serveStatic(url.pathname === '/' ? '/index.html' : url.pathname, response);
  }

  function serveStatic(pathname: string, response: ServerResponse): void {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendJson(response, 400, { ok: false, error: { kind: 'invalid_input', message: 'Malformed path.' } });
    }
    const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
    if (!file.startsWith(root + path.sep))
      return sendJson(response, 404, { ok: false, error: { kind: 'not_found', message: 'Not found.' } });
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (pathname === '/index.html') {
        response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end('The UI is not built yet: run `npm run build`.');
        return;
      }
      return sendJson(response, 404, { ok: false, error: { kind: 'not_found', message: 'Not found.' } });
    }
    response.writeHead(200, {
      'Content-Type': ownValue(CONTENT_TYPES, path.extname(file)) ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    createReadStream(file).pipe(response);
  }

  function streamEvents(request: IncomingMessage, response: ServerResponse): void {
    if (streams >= MAX_EVENT_STREAMS)
      return sendJson(response, 429, {
        ok: false,
        error: { kind: 'rate_limited', message: 'Too many event streams open.' },
      });
    streams += 1;
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    const unsubscribe = options.events.subscribe((event) => {
      response.write(`event: message\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': ping\n\n'), 15_000);
    request.on('close', () => {
      streams -= 1;
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: Envelope<unknown>): void {
  writeJson(response, status, body);
}
