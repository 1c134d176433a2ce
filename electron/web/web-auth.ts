import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'schemascope_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares in constant time whatever the lengths (both sides are hashed to 32 bytes first). */
export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer`, the session cookie, or `?token=` on page loads. */
export function requestToken(request: IncomingMessage, url: URL, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const cookie = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  if (allowQuery) return url.searchParams.get('token') ?? undefined;
  return undefined;
}

/**
 * The Host values and the Origins this server answers to, on `port`: its loopback address or `localhost`, over plain
 * HTTP, that port exactly. Anything else, however close (`https:`, another port, `127.0.0.2`, `[::1]` (we do not
 * listen there), a port with one digit more), is someone else.
 */
export function ownHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function ownOrigins(port: number): ReadonlySet<string> {
  return new Set([...ownHosts(port)].map((host) => `http://${host}`));
}

/**
 * DNS rebinding and cross-site defence: the Host must be the loopback address we listen on, and an Origin, when
 * the browser sends one, must be our own, compared whole (scheme, host and port). Returns the reason for a refusal.
 */
export function checkHostAndOrigin(request: Pick<IncomingMessage, 'headers'>, port: number): string | undefined {
  const host = request.headers.host ?? '';
  if (!ownHosts(port).has(host.toLowerCase())) return `Host "${host}" is not this server.`;
  const origin = request.headers.origin;
  if (origin !== undefined && !ownOrigins(port).has(origin.toLowerCase())) return `Origin "${origin}" is not allowed.`;
  return undefined;
}
