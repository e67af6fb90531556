import { designSheet } from '@podmap-demo/design';
import { createStore } from '@podmap/browser/store.js';
import { LitElement, css, html } from 'lit';

// One module per podlet: every module is a request and a per-module cost in the browser
// (bench:page), so the data and helpers live here rather than in a module of their own.

/** A place the location widget can show. */
export interface Place {
  city: string;
  country: string;
  lat: number;
  lon: number;
  timeZone: string;
}

export const places: readonly Place[] = [
  { city: 'Oslo', country: 'Norway', lat: 59.91, lon: 10.75, timeZone: 'Europe/Oslo' },
  { city: 'Bergen', country: 'Norway', lat: 60.39, lon: 5.32, timeZone: 'Europe/Oslo' },
  { city: 'Lisbon', country: 'Portugal', lat: 38.72, lon: -9.14, timeZone: 'Europe/Lisbon' },
  { city: 'Kyoto', country: 'Japan', lat: 35.01, lon: 135.77, timeZone: 'Asia/Tokyo' },
  { city: 'Montréal', country: 'Canada', lat: 45.5, lon: -73.57, timeZone: 'America/Toronto' },
];

/** "59.91° N, 10.75° E" */
export function formatCoordinates(place: Place): string {
  const ns = place.lat >= 0 ? 'N' : 'S';
  const ew = place.lon >= 0 ? 'E' : 'W';
  return `${Math.abs(place.lat).toFixed(2)}° ${ns}, ${Math.abs(place.lon).toFixed(2)}° ${ew}`;
}

/**
 * The chosen location, for the whole page and, through sessionStorage, for the next page of
 * this tab: the `geo` store. Search reads it by contract (channel `geo`, its `state`).
 */
export const chosenPlace = createStore<string, { city: string; country: string } | null>('geo', null, { persist: 'session' });

/**
 * The location widget. This team is still on lit 2 (package.json says ^2.7.0): the layout
 * gives it lit 2 through a scope while the rest of the page runs lit 3.
 */
export class PodletGeo extends LitElement {
  static override properties = { index: { state: true } };
  // The design system is built on lit 3: this lit 2 podlet adopts its stylesheet as the native
  // CSSStyleSheet it is (the same object every other podlet's shadow root adopts).
  static override styles = [
    designSheet!,
    css`
      .city {
        font-size: 22px;
        font-weight: 700;
        margin: 10px 0 2px;
      }
      .lit {
        margin-top: 10px;
        font-size: 12px;
      }
    `,
  ];
  index = Math.max(
    0,
    places.findIndex((p) => p.city === chosenPlace.get()?.city),
  );

  #choose(index: number): void {
    this.index = index;
    const { city, country } = places[index]!;
    chosenPlace.set({ city, country });
  }

  override render() {
    const place = places[this.index]!;
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: place.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date());
    return html`<pm1-card
      ><h2 slot="heading">Your location</h2>
      <pm1-field>
        <label slot="label" for="place">Change location</label>
        <select id="place" @change=${(e: Event) => this.#choose((e.target as HTMLSelectElement).selectedIndex)}>
          ${places.map((p, i) => html`<option ?selected=${i === this.index}>${p.city}</option>`)}
        </select>
      </pm1-field>
      <p class="city">${place.city}, ${place.country}</p>
      <p class="muted">${formatCoordinates(place)} · local time ${time}</p>
      <p class="lit muted" data-testid="lit">Rendered with ${litFolder()}</p>
    </pm1-card>`;
  }
}

/** The CDN folder that "lit" resolved to for this podlet, e.g. "lit@2.8.0". */
export function litFolder(): string {
  const url = import.meta.resolve('lit');
  return /\/(lit@[^/]+)\//.exec(url)?.[1] ?? url;
}

customElements.define('podlet-geo', PodletGeo);
