// The other half of p-shaken-a: other names from preact, preact/hooks, react and react-dom; and a
// guarded dynamic import of a package nobody provides, which must not keep the podlet off the page.
import { Component, options, render } from 'preact';
import { useReducer } from 'preact/hooks';
import { html } from 'htm/preact';
import React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';

const instances = (window.podmapInstances ??= { preact: [], react: [] });
instances.preact.push(options);
instances.react.push(React.useState);

const host = document.querySelector('p-shaken-b');
const preactHost = host.appendChild(document.createElement('span'));
const reactHost = host.appendChild(document.createElement('span'));

class Sum extends Component {
  render() {
    return html`<${Total} />`;
  }
}
function Total() {
  const [n] = useReducer((a) => a + 1, 5);
  return html`<b>preact ${n}</b>`;
}
render(html`<${Sum} />`, preactHost);
import('podmap-nobody-provides').then(
  () => (host.dataset.optional = 'loaded'),
  () => (host.dataset.optional = 'missing'),
);

function ReactTotal() {
  const [n] = React.useReducer((a) => a + 1, 6);
  return React.createElement('i', null, ` react ${n}`);
}
const root = createRoot(reactHost);
flushSync(() => root.render(React.createElement(ReactTotal)));
const check = () => {
  const text = host.textContent.trim();
  if (text === 'preact 5 react 6') host.dataset.ok = text;
  else requestAnimationFrame(check);
};
check();
