/**
 * Resolves the image named by a pairs row inside the declared roots, and nowhere else (DESIGN §8: no path
 * outside the library's roots is ever read or served). Refused: URLs, NUL bytes, `..` that climbs out,
 * absolute paths outside every root, and symlinks whose target lies outside the root they sit in.
 *
 * @example const roots = await ImageRoots.open(['/data/emoji']); await roots.resolve('images/noto/1f600.png')
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type Resolved = { ok: true; path: string; root: string } | { ok: false; reason: string };

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

export class ImageRoots {
  private constructor(private readonly roots: { declared: string; real: string }[]) {}

  static async open(declared: string[]): Promise<ImageRoots> {
    const roots = [];
    for (const d of declared) {
      const abs = resolve(d);
      roots.push({ declared: abs, real: await realpath(abs) });
    }
    return new ImageRoots(roots);
  }

  get list(): string[] {
    return this.roots.map((r) => r.declared);
  }

  async resolve(ref: string): Promise<Resolved> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return { ok: false, reason: `remote images are not fetched: ${ref}` };
    if (ref.includes('\0')) return { ok: false, reason: 'image path contains a NUL byte' };
    const normalized = ref.replace(/\\/g, '/');
    let lexicalEscape = false;
    for (const root of this.roots) {
      const candidate = isAbsolute(normalized) ? resolve(normalized) : resolve(root.declared, normalized);
      if (!inside(root.declared, candidate) && !inside(root.real, candidate)) {
        lexicalEscape = true;
        continue;
      }
      let real: string;
      try {
        real = await realpath(candidate);
      } catch {
        continue; // Not under this root; try the next.
      }
      if (!inside(root.real, real))
        return { ok: false, reason: `image path escapes the declared roots through a symlink: ${ref} → ${real}` };
      const s = await stat(real);
      if (!s.isFile()) return { ok: false, reason: `image is not a regular file: ${ref}` };
      return { ok: true, path: real, root: root.real };
    }
    if (lexicalEscape) {
      return { ok: false, reason: `image path escapes the declared roots: ${ref} (roots: ${this.list.join(', ')})` };
    }
    return { ok: false, reason: `image not found under the declared roots: ${ref}` };
  }
}
