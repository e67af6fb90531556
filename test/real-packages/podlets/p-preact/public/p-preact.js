// preact with hooks, rendered through htm/preact, with a signal: as preact's and htm's docs show.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { signal, computed } from '@preact/signals-core';

const count = signal(20);
const doubled = computed(() => count.value * 2);

function Counter() {
  const [clicks] = useState(1);
  return html`<p>preact says ${doubled.value + clicks}</p>`;
}

const host = document.querySelector('p-preact');
render(html`<${Counter} />`, host);
host.dataset.ok = host.textContent.trim();
