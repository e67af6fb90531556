import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';

/** A page as one GET received it. */
export interface FetchedPage {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it came over the wire (compressed if the server chose to), and as UTF-8 text. */
  bytes: Buffer;
  body: string;
  /** ms from sending the request to the first byte of the body (as sent), and to its end. */
  firstByteMs: number;
  lastByteMs: number;
}

/**
 * One GET of a layout page, and its whole body. `headers` are sent with it; `freshConnection`
 * opens a connection of its own (no keep-alive agent); past `timeoutMs` it fails.
 */
export function getPage(
  url: string,
  options: { headers?: Record<string, string>; freshConnection?: boolean; timeoutMs?: number } = {},
): Promise<FetchedPage> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: options.headers, ...(options.freshConnection ? { agent: false } : {}) }, (res) => {
      let first = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        first ||= performance.now();
        chunks.push(c);
      });
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const times = { firstByteMs: first - started, lastByteMs: performance.now() - started };
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, body: bytes.toString('utf8'), ...times });
      });
      res.on('error', reject);
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`${url} took over ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The section the layout wrote for podlet `name`: whether it is the fallback, and what is in it; null if there is none. */
export function findSection(body: string, name: string): { fallback: boolean; inner: string } | null {
  const section = new RegExp(`<section class="podlet" data-podlet="${name}"( data-fallback)?>(.*?)</section>`, 's').exec(body);
  return section ? { fallback: section[1] !== undefined, inner: section[2]! } : null;
}

/** What one checked page showed: the podlets that were on their fallbacks. */
export interface CheckedPage {
  fallbacks: string[];
}

/**
 * `total` requests of the page at `url`, `concurrency` at a time, while `during` runs. Every
 * answer must be 200 and complete, with a section for each of `names` that holds either the
 * podlet's content (`<name> content`) or its fallback (marked data-fallback: `<name> fallback`,
 * or empty when the layout never got one).
 */
export async function underLoad(
  url: string,
  names: readonly string[],
  load: { total: number; concurrency: number },
  during: () => Promise<void> = async () => {},
): Promise<CheckedPage[]> {
  const pages: CheckedPage[] = [];
  let next = 0;
  const worker = async () => {
    while (next < load.total) {
      next++;
      const { status, body } = await getPage(url);
      assert.equal(status, 200);
      assert.match(body, /<\/main>\n<\/body>\n<\/html>\n$/, 'the page is complete');
      const fallbacks: string[] = [];
      for (const name of names) {
        const section = findSection(body, name);
        assert.ok(section, `section ${name} is present`);
        if (section.fallback) fallbacks.push(name);
        assert.match(section.inner, section.fallback ? new RegExp(`^(<p>${name} fallback</p>)?$`) : new RegExp(`^<p>${name} content</p>$`));
      }
      pages.push({ fallbacks });
    }
  };
  await Promise.all([during(), ...Array.from({ length: load.concurrency }, worker)]);
  return pages;
}
