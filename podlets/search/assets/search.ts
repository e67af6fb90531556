// lit's hydrate support goes before lit: search is rendered on the server and hydrated.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import { designStyles } from '@podmap-demo/design';
import { createStore } from '@podmap/browser/store.js';
import { LitElement, css, html } from 'lit';

// One module per podlet: every module is a request and a per-module cost in the browser
// (bench:page), so the data and helpers live here rather than in a module of their own.

/** A search result. */
export interface Destination {
  name: string;
  country: string;
  summary: string;
}

export const destinations: readonly Destination[] = [
  { name: 'Oslo', country: 'Norway', summary: 'Opera house, fjord islands and forest trails a tram ride away.' },
  { name: 'Bergen', country: 'Norway', summary: 'Wooden wharf houses, seven mountains and the fish market.' },
  { name: 'Lisbon', country: 'Portugal', summary: 'Hills, trams and pastel de nata by the Tagus.' },
  { name: 'Porto', country: 'Portugal', summary: 'Port cellars and tiled churches along the Douro.' },
  { name: 'Kyoto', country: 'Japan', summary: 'Temples, gardens and the Arashiyama bamboo grove.' },
  { name: 'Montréal', country: 'Canada', summary: 'Bagels, festivals and the old port.' },
];

/** Destinations whose name, country or summary contains every word of `query`, case-insensitively. */
export function searchDestinations(query: string): Destination[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return destinations.filter((d) => {
    const text = `${d.name} ${d.country} ${d.summary}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The location geo's widget chose (its `geo` store, by contract): where the search starts from. */
const chosenPlace = createStore<string, { city: string; country: string } | null>('geo', null, { persist: 'session' });

/** Search: a query box and the destinations that match it, updated as the user types. */
export class PodletSearch extends LitElement {
  static override properties = { query: { state: true }, place: { state: true } };
  static override styles = [
    designStyles,
    css`
      ol {
        padding-left: 20px;
      }
      li {
        margin: 10px 0;
      }
    `,
  ];
  // What only the browser knows (the page's query, the place geo chose in this tab) is read after
  // the first render, which hydrates what the server rendered without either.
  query = '';
  place: { city: string; country: string } | null = null;
  #unsubscribe?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = chosenPlace.subscribe((place) => (this.place = place));
  }

  override firstUpdated(): void {
    this.query = new URLSearchParams(location.search).get('q') ?? '';
    this.place = chosenPlace.get();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
  }

  override render() {
    const results = searchDestinations(this.query);
    return html`<pm1-card
      ><h2 slot="heading">Search destinations</h2>
      <input
        type="search"
        aria-label="Search destinations"
        placeholder="Try “Norway” or “temples”"
        .value=${this.query}
        @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      />
      ${this.place ? html`<p class="muted" data-testid="from">Searching from ${this.place.city}, ${this.place.country}</p>` : ''}
      <p data-testid="count">${results.length} result${results.length === 1 ? '' : 's'}</p>
      <ol>
        ${results.map((d) => html`<li><strong>${d.name}</strong> <span class="muted">${d.country}</span><br />${d.summary}</li>`)}
      </ol>
    </pm1-card>`;
  }
}
customElements.define('podlet-search', PodletSearch);
