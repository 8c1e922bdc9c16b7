/**
 * `/media/<grid|lightbox|original>/<id>`: how the UI asks for a photo of the open library. Shared by the browser
 * host (main/server.ts) and the Electron shell's `pairscope://` protocol (main/index.ts), so one URL works in both.
 * The file comes from the library's catalog by id — never from a path in the URL (DESIGN.md §8).
 */
export type MediaVariant = 'grid' | 'lightbox' | 'original';

export type MediaFileResolver = (
  variant: MediaVariant,
  mediaId: number,
) => Promise<{ file: string; contentType: string } | null>;

const MEDIA_ROUTE = /^\/media\/(grid|lightbox|original)\/([1-9][0-9]{0,15})$/;

/** Parses a URL pathname; null when it is not a media route. */
export function parseMediaRoute(pathname: string): { variant: MediaVariant; mediaId: number } | null {
  const match = MEDIA_ROUTE.exec(pathname);
  return match ? { variant: match[1] as MediaVariant, mediaId: Number(match[2]) } : null;
}
