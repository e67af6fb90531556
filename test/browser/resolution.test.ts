// Proves that each group resolves bare specifiers the way it claims: through the page's native
// import map, or through es-module-shims in shim mode. A page that matches neither fails.
import { PROTOCOL_VERSION } from '@podmap/browser';
import { LitElement } from 'lit';
import { equal, ok } from './assert.ts';

const mode = window.__podmapTestMode;
const runtimeUrl = new URL('/runtime/browser/public/index.js', location.href).href;

describe('resolution', () => {
  it('the page says which group it belongs to', () => {
    ok(mode === 'native' || mode === 'shim', `unknown test mode ${mode}`);
  });

  it('bare specifiers of the runtime and of lit were resolved', () => {
    equal(PROTOCOL_VERSION, 1);
    equal(typeof LitElement, 'function');
  });

  if (mode === 'native') {
    it('native - a native import map and no es-module-shims', () => {
      ok(document.querySelector('script[type="importmap"]'), 'no <script type="importmap">');
      ok(!document.querySelector('script[type="importmap-shim"]'), 'an importmap-shim is present');
      equal(typeof (globalThis as { importShim?: unknown }).importShim, 'undefined');
      equal(import.meta.resolve('@podmap/browser'), runtimeUrl);
    });
  }

  if (mode === 'shim') {
    it('shim - modules went through es-module-shims, not a native map', async () => {
      // With no native map on the page, the browser alone cannot resolve '@podmap/browser':
      // that this file loaded at all means es-module-shims resolved its imports.
      ok(!document.querySelector('script[type="importmap"]'), 'a native import map is present');
      equal(typeof importShim, 'function');
      equal(importShim.getImportMap().imports['@podmap/browser'], runtimeUrl);
      // es-module-shims rewrites import() in the modules it loads, but not in code built at run
      // time: this import() is the browser's own, and it must fail to resolve the specifier.
      const nativeImport = new Function('specifier', 'return import(specifier)');
      let nativeError: unknown;
      try {
        await nativeImport('@podmap/browser');
      } catch (error) {
        nativeError = error;
      }
      ok(nativeError instanceof TypeError, 'the browser resolved a bare specifier on its own');
    });
  }
});
