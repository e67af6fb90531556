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

/** Search: a query box and the destinations that match it, updated as the user types. */
export class PodletSearch extends LitElement {
  static override properties = { query: { state: true } };
  static override styles = css`
    :host {
      display: block;
      font:
        15px/1.4 system-ui,
        sans-serif;
      background: #fff;
      border: 1px solid #d8dee4;
      border-radius: 10px;
      padding: 16px;
    }
    h2 {
      margin: 0 0 12px;
      font-size: 18px;
    }
    input {
      box-sizing: border-box;
      width: 100%;
      padding: 10px;
      border: 1px solid #aab4be;
      border-radius: 6px;
      font: inherit;
    }
    ol {
      padding-left: 20px;
    }
    li {
      margin: 10px 0;
    }
    .country {
      color: #556;
    }
  `;
  query = new URLSearchParams(location.search).get('q') ?? '';

  override render() {
    const results = searchDestinations(this.query);
    return html`<h2>Search destinations</h2>
      <input
        type="search"
        aria-label="Search destinations"
        placeholder="Try “Norway” or “temples”"
        .value=${this.query}
        @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      />
      <p data-testid="count">${results.length} result${results.length === 1 ? '' : 's'}</p>
      <ol>
        ${results.map((d) => html`<li><strong>${d.name}</strong> <span class="country">${d.country}</span><br />${d.summary}</li>`)}
      </ol>`;
  }
}
customElements.define('podlet-search', PodletSearch);
