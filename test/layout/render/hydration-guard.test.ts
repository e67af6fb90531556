import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { HYDRATION_GUARD } from '../../../runtime/layout/render/hydration-guard.ts';

/** A stand-in for one major of lit in a page: what the guard touches of LitElement, a support's hook and the DOM. */
function page() {
  class CSSStyleSheet {}
  const sheet = new CSSStyleSheet();
  const errors: string[] = [];
  const section = { getAttribute: (name: string) => (name === 'data-podlet' ? 'header' : null) };
  class LitElement {
    static elementStyles: unknown[] = [{ styleSheet: sheet }];
    hasUpdated = false;
    localName = 'podlet-header';
    shadowRoot: { adoptedStyleSheets?: unknown[] } | null = {};
    closest = () => section;
    getRootNode = () => ({});
    connected = 0;
    isConnected = true;
    connectedCallback(): void {
      this.connected++;
    }
    createRenderRoot(): unknown {
      return this.shadowRoot;
    }
    update(): void {
      throw new Error('Hydration value mismatch: Unexpected TemplateResult rendered to part');
    }
  }
  const loaded: Array<() => void> = [];
  const document = { readyState: 'complete', addEventListener: (_type: string, listener: () => void) => loaded.push(listener) };
  const context: Record<string, unknown> = { CSSStyleSheet, document, console: { error: (line: string) => errors.push(line) } };
  context.globalThis = context;
  runInNewContext(HYDRATION_GUARD, context);
  return { context, LitElement, errors, sheet, document, loaded };
}

test('the hydration guard - a hook installed after it - wraps it: a hydration lit refuses is logged with the code, podlet and element, and still throws', () => {
  const { context, LitElement, errors } = page();
  let hookRan = false;
  context.litElementHydrateSupport = () => (hookRan = true);
  (context.litElementHydrateSupport as (o: unknown) => void)({ LitElement });
  assert.ok(hookRan, "lit's own hook ran");
  const element = new LitElement();
  element.createRenderRoot(); // lit adopts the server's shadow root: this element hydrates
  assert.throws(() => element.update(), /Hydration value mismatch/);
  assert.throws(() => element.update(), /Hydration value mismatch/, 'a later update is no hydration: thrown, not reported again');
  assert.deepEqual(errors, [
    'podmap: PODMAP_ERR_HYDRATION_MISMATCH: podlet "header", <podlet-header>: Hydration value mismatch: Unexpected TemplateResult rendered to part',
  ]);
});

test('the hydration guard - an error in an element rendered in the browser - is not reported as a hydration failure', () => {
  const { context, LitElement, errors } = page();
  context.litElementHydrateSupport = () => {};
  (context.litElementHydrateSupport as (o: unknown) => void)({ LitElement });
  const fresh = new LitElement();
  fresh.shadowRoot = null;
  fresh.createRenderRoot();
  assert.throws(() => fresh.update());
  assert.deepEqual(errors, []);
});

test("the hydration guard - a server-rendered shadow root - adopts the element's stylesheets, the one shared object; a root made in the browser is left to lit", () => {
  const { context, LitElement, sheet } = page();
  context.litElementHydrateSupport = () => {};
  (context.litElementHydrateSupport as (o: unknown) => void)({ LitElement });
  const hydrated = new LitElement();
  const root = hydrated.createRenderRoot() as { adoptedStyleSheets?: unknown[] };
  assert.deepEqual(root.adoptedStyleSheets, [sheet]);
  const fresh = new LitElement();
  fresh.shadowRoot = null;
  assert.equal(fresh.createRenderRoot(), null, 'no shadow root before: nothing adopted here');
});

test('the hydration guard - an element connected while the page is parsed, its shadow root not there yet - connects once parsing is done, not before', () => {
  const { context, LitElement, document, loaded } = page();
  context.litElementHydrateSupport = () => {};
  (context.litElementHydrateSupport as (o: unknown) => void)({ LitElement });
  document.readyState = 'loading';
  const early = new LitElement();
  early.shadowRoot = null;
  early.connectedCallback();
  assert.equal(early.connected, 0, 'waits: the server shadow root may still be on its way');
  const withRoot = new LitElement();
  withRoot.connectedCallback();
  assert.equal(withRoot.connected, 1, 'its declarative shadow root is there: connects at once');
  document.readyState = 'interactive';
  for (const listener of loaded) listener();
  assert.equal(early.connected, 1, 'connected after DOMContentLoaded');
});
