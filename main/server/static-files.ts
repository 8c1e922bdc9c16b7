/**
 * Resolves a URL path to a file strictly inside one root folder (DESIGN.md §8: no path outside the roots is ever
 * served). Both the lexical path and the real path (after symlinks) must stay inside the root's real path.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type StaticLookup =
  | { kind: 'file'; filePath: string; size: number; contentType: string }
  | { kind: 'missing' }
  | { kind: 'bad_path'; reason: string };

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(filePath: string): string {
  return contentTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** `urlPath` is the raw (percent-encoded) pathname of the request, e.g. `/assets/index-abc.js`. */
export async function lookupStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad_path', reason: `path "${urlPath}" is not valid percent-encoding` };
  }
  if (decoded.includes('\0')) return { kind: 'bad_path', reason: 'path contains a NUL byte' };
  if (decoded.includes('\\')) return { kind: 'bad_path', reason: 'path contains a backslash' };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const rootReal = await realpathOrNull(root);
  if (rootReal === null) return { kind: 'missing' };
  const candidate = path.resolve(rootReal, relative);
  if (!isInside(rootReal, candidate)) return { kind: 'bad_path', reason: `path "${decoded}" leaves the served folder` };
  const candidateReal = await realpathOrNull(candidate);
  if (candidateReal === null) return { kind: 'missing' };
  if (!isInside(rootReal, candidateReal)) {
    return { kind: 'bad_path', reason: `path "${decoded}" links outside the served folder` };
  }
  const info = await stat(candidateReal);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', filePath: candidateReal, size: info.size, contentType: contentTypeOf(candidateReal) };
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

async function realpathOrNull(target: string): Promise<string | null> {
  try {
    return await realpath(target);
  } catch {
    return null;
  }
}
