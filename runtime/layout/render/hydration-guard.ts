/**
 * A classic script for the head of a page with hydrating podlets, before any module: it wraps
 * each hook lit's hydrate support installs (`globalThis.litElementHydrateSupport`, one per major
 * of lit), so that for every LitElement of that major:
 * - a hydration lit cannot do is logged with PODMAP_ERR_HYDRATION_MISMATCH, the podlet and the
 *   element, instead of lit's bare message. The element still fails as lit
 *   makes it fail; nothing is re-rendered behind the page's back.
 * - a server-rendered shadow root adopts the element's stylesheets, as one rendered in the
 *   browser does (lit's support keeps only the server's `<style>` blocks). Adopted sheets come
 *   after those blocks in the cascade, so the design system's release on the CDN restyles a
 *   hydrated podlet as it restyles any other, and every shadow root shares one sheet object.
 * - an element connected while the document is still being parsed, before its declarative shadow
 *   root has arrived, waits for the end of parsing (DOMContentLoaded) before it renders. Module
 *   scripts wait for that anyway; es-module-shims in shim mode may run them earlier, and lit would
 *   then attach a shadow root of its own, so that the server's one, parsed next, is refused
 *   ("A second declarative shadow root cannot be created on a host") and the element renders again.
 *
 * A setter rather than a wrapper installed later: a support module assigns its hook when it is
 * evaluated, and the LitElement of its major reads it right after, so there is no moment between
 * the two for a module to step in. An element hydrates in the first update after lit's support
 * adopted its server-rendered shadow root: an error in that update, whatever lit's message, is
 * the hydration failing.
 */
export const HYDRATION_GUARD = [
  '(function(){var g=globalThis,k="litElementHydrateSupport",hook=g[k],hydrating=new WeakSet();',
  'function podletOf(n){for(;n;){var s=n.closest&&n.closest("[data-podlet]");if(s)return s.getAttribute("data-podlet");var r=n.getRootNode&&n.getRootNode();n=r&&r.host}return"?"}',
  'function wrap(f){if(typeof f!=="function")return f;return function(o){f(o);var p=o&&o.LitElement&&o.LitElement.prototype,u=p&&p.update;if(!u)return;',
  'var c0=p.createRenderRoot;p.createRenderRoot=function(){var had=this.shadowRoot,r=c0.call(this);if(had&&r===had){hydrating.add(this);',
  'var s=(this.constructor.elementStyles||[]).map(function(x){return x instanceof CSSStyleSheet?x:x.styleSheet}).filter(Boolean);if(s.length)r.adoptedStyleSheets=s}return r};',
  'var cc=p.connectedCallback;p.connectedCallback=function(){var el=this;if(document.readyState==="loading"&&!el.shadowRoot){',
  'document.addEventListener("DOMContentLoaded",function(){if(el.isConnected)cc.call(el)},{once:true});return}return cc.call(el)};',
  'p.update=function(c){var h=hydrating.delete(this);try{return u.call(this,c)}catch(e){if(h)',
  'console.error("podmap: PODMAP_ERR_HYDRATION_MISMATCH: podlet \\""+podletOf(this)+"\\", <"+this.localName+">: "+e.message);throw e}}}}',
  'Object.defineProperty(g,k,{configurable:true,get:function(){return hook},set:function(f){hook=wrap(f)}});if(hook)hook=wrap(hook)})()',
].join('');
