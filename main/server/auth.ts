/**
 * The browser host's per-launch token (DESIGN.md §8). A request is authorised by, in order: an
 * `Authorization: Bearer <token>` header (API client), a `?token=` query parameter (the URL a person opens, the
 * WebSocket URL), or the HttpOnly cookie set when the page was opened with `?token=` (so that the page's own
 * script and style requests are authorised without putting the token in every URL).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const tokenPattern = /^[A-Za-z0-9._~-]{1,256}$/;

/** 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** @throws Error when the token cannot travel unescaped in a URL and a cookie. */
export function assertUsableToken(token: string): void {
  if (!tokenPattern.test(token)) {
    throw new Error('token must be 1-256 characters of A-Z a-z 0-9 . _ ~ - (it travels in URLs and a cookie)');
  }
}

/** One cookie per port: cookies ignore ports, and two hosts on 127.0.0.1 must not overwrite each other's token. */
export function cookieNameFor(port: number): string {
  return `pairscope_token_${port}`;
}

export type TokenSource = 'header' | 'query' | 'cookie';

export function findToken(
  req: IncomingMessage,
  url: URL,
  cookieName: string,
): { token: string; source: TokenSource } | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice('Bearer '.length).trim(), source: 'header' };
  const query = url.searchParams.get('token');
  if (query !== null) return { token: query, source: 'query' };
  const cookie = parseCookies(req.headers.cookie ?? '')[cookieName];
  if (cookie !== undefined) return { token: cookie, source: 'cookie' };
  return null;
}

/** Constant-time comparison of fixed-length digests, so timing does not reveal a common prefix. */
export function tokensMatch(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
