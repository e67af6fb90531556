import assert from 'node:assert/strict';
import { request } from 'node:http';

/** One GET of a layout page, its status and whole body. */
export function getPage(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
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
        const section = new RegExp(`<section class="podlet" data-podlet="${name}"( data-fallback)?>(.*?)</section>`, 's').exec(body);
        assert.ok(section, `section ${name} is present`);
        if (section[1]) fallbacks.push(name);
        assert.match(section[2]!, section[1] ? new RegExp(`^(<p>${name} fallback</p>)?$`) : new RegExp(`^<p>${name} content</p>$`));
      }
      pages.push({ fallbacks });
    }
  };
  await Promise.all([during(), ...Array.from({ length: load.concurrency }, worker)]);
  return pages;
}
