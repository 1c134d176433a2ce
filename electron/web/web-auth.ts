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
 * DNS rebinding and cross-site defence: the Host must be the loopback address we listen on, and an Origin, when
 * the browser sends one, must be our own.
 */
export function checkHostAndOrigin(request: IncomingMessage, port: number): string | undefined {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = request.headers.host ?? '';
  if (!allowedHosts.has(host.toLowerCase())) return `Host "${host}" is not this server.`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && !allowedHosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) {
    return `Origin "${origin}" is not allowed.`;
  }
  if (origin === 'null') return 'Origin "null" is not allowed.';
  return undefined;
}
