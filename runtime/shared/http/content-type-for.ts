/**
 * Content-Type by file extension, for the podmap server and the generated nginx config alike
 * (both read this table, so they agree). JavaScript is `text/javascript` per the HTML spec.
 */
export const contentTypes: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  cjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  // TypeScript sources and declarations are served as text; ".ts" would otherwise read as MPEG-TS.
  ts: 'text/plain; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  wasm: 'application/wasm',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

export const defaultContentType = 'application/octet-stream';

/** The Content-Type a file is served with, from its extension. */
export function contentTypeFor(filePath: string): string {
  const base = filePath.slice(filePath.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return defaultContentType;
  return contentTypes[base.slice(dot + 1).toLowerCase()] ?? defaultContentType;
}

/** Whether precompressing a file of this type can pay off (text formats, not images or fonts). */
export function isCompressible(type: string): boolean {
  return /^text\/|^application\/(json|xml|wasm)|^image\/svg\+xml/.test(type);
}

/** Whether the store treats the file as a JavaScript module (integrity, import specifiers). */
export function isJavaScriptModule(filePath: string): boolean {
  return /\.m?js$/.test(filePath);
}
