// react with react-dom/client rendering a component, written with createElement (no JSX build).
import { createElement, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

function Greeting() {
  const [name, setName] = useState('');
  useEffect(() => setName('react'), []);
  return createElement('p', { 'data-name': name }, `hello ${name}`);
}

const host = document.querySelector('p-react');
createRoot(host).render(createElement(Greeting));
const check = () => {
  const text = host.textContent.trim();
  if (text === 'hello react') host.dataset.ok = text;
  else requestAnimationFrame(check);
};
check();
