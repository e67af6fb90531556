import { demoPages } from '../../layouts/demo-wiring.ts';

/** The custom element each podlet of a demo page renders into it (`podlet-<name>`), in page order, by path. */
export const demoElements = Object.fromEntries(
  Object.entries(demoPages).map(([path, page]) => [path, page.podlets.map((name) => `podlet-${name}`)]),
) as Record<keyof typeof demoPages, string[]>;

/**
 * The demo's elements that render on the server only ('ssr-only'): the page never defines them,
 * so their server-rendered shadow root is all there is to wait for. With PODMAP_FOOTER_RENDER=client
 * the footer is defined after all, and podletsReady() then waits for its first update as for any other.
 */
export const serverOnlyElements = ['podlet-footer'];

/**
 * Run in the page: true once each element in `names` shows content in its shadow root and, if
 * the page defines it, has finished its first update (lit's `hasUpdated`): rendered in the
 * browser, or hydrated with its event listeners bound. A server-rendered element that the page
 * has not defined yet is not ready (clicking it would do nothing), unless it is in `serverOnly`.
 * Self-contained, so that WebDriver classic can send its source.
 */
export function podletsReady(names: string[], serverOnly: string[]): boolean {
  return names.every((n) => {
    const element = document.querySelector(n) as (HTMLElement & { hasUpdated?: boolean }) | null;
    if ((element?.shadowRoot?.textContent ?? '').trim().length === 0) return false;
    return customElements.get(n) ? element!.hasUpdated === true : serverOnly.includes(n);
  });
}

/** The demo's elements that render on the server and hydrate ('hydrate'); geo stays on the client (docs/render-modes.md). */
export const hydratingElements = ['podlet-header', 'podlet-auth', 'podlet-image', 'podlet-search'];

/**
 * Run in the page, once podletsReady(): what is wrong with the hydration of each element in
 * `names` that is on the page, as one line each ([] when nothing is). Hydrated, an element's
 * shadow root still holds the server's nodes, which carry lit's `lit-part` markers, and none of
 * the markers a render in the browser writes (`?lit$`). And it matches the browser: a new element
 * with the same attributes, rendered by the page, shows the same text, so lit did not keep
 * server text that the browser would have rendered differently (a mismatch lit cannot see).
 */
export async function hydrationProblems(names: string[]): Promise<string[]> {
  // No named inner functions: the test runner's compiler would wrap them in a helper the page lacks.
  const problems: string[] = [];
  for (const name of names) {
    const element = document.querySelector(name);
    if (!element) continue;
    const html = element.shadowRoot?.innerHTML ?? '';
    if (!html.includes('<!--lit-part')) problems.push(`${name}: the server's nodes are gone (no lit-part marker)`);
    if (html.includes('<!--?lit$')) problems.push(`${name}: rendered again in the browser`);
    const fresh = document.createElement(name) as HTMLElement & { updateComplete?: Promise<unknown> };
    for (const attribute of element.getAttributeNames()) fresh.setAttribute(attribute, element.getAttribute(attribute)!);
    const box = document.createElement('div');
    box.hidden = true;
    box.append(fresh);
    element.parentElement!.append(box);
    await fresh.updateComplete;
    // The text of each shadow root, its <style> blocks left out.
    const texts = [element.shadowRoot, fresh.shadowRoot].map((root) => {
      const walker = document.createTreeWalker(root ?? document.createElement('div'), NodeFilter.SHOW_TEXT);
      let text = '';
      for (let node = walker.nextNode(); node; node = walker.nextNode())
        if (node.parentElement?.localName !== 'style') text += node.nodeValue;
      return text.replace(/\s+/g, ' ').trim();
    });
    if (texts[0] !== texts[1]) problems.push(`${name}: hydrated "${texts[0]}" but the browser renders "${texts[1]}"`);
    box.remove();
  }
  return problems;
}
