/**
 * The renderer's Content-Security-Policy (DESIGN.md §8), one string for both shells: renderer/index.html carries
 * it as a <meta> tag (Electron loads the file directly) and the browser host also sends it as a header.
 * A unit test checks that index.html and this constant agree. Layer: common.
 * No 'unsafe-inline' anywhere: Svelte emits its CSS to files, and nothing in the UI may inject scripts or styles.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Directives that only work as an HTTP header (browsers ignore them in <meta>). */
export const HEADER_ONLY_CSP = "frame-ancestors 'none'";
