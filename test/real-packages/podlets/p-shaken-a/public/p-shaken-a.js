// preact with hooks and react with react-dom, importing names p-shaken-b does not: on a page with
// shaken builds both podlets must still share one instance of each (window.podmapInstances).
import { h, options, render } from 'preact';
import { useState } from 'preact/hooks';
import { createElement, useState as useReactState } from 'react';
import { createRoot } from 'react-dom/client';

const instances = (window.podmapInstances ??= { preact: [], react: [] });
instances.preact.push(options);
instances.react.push(useReactState);

const host = document.querySelector('p-shaken-a');
const preactHost = host.appendChild(document.createElement('span'));
const reactHost = host.appendChild(document.createElement('span'));

function PreactCount() {
  const [n] = useState(3);
  return h('b', null, `preact ${n}`);
}
render(h(PreactCount), preactHost);

function ReactCount() {
  const [n] = useReactState(4);
  return createElement('i', null, ` react ${n}`);
}
createRoot(reactHost).render(createElement(ReactCount));
const check = () => {
  const text = host.textContent.trim();
  if (text === 'preact 3 react 4') host.dataset.ok = text;
  else requestAnimationFrame(check);
};
check();
