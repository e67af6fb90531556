// lit's hydrate support goes before lit: the gallery is rendered on the server and hydrated.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import { designStyles } from '@podmap-demo/design';
import { LitElement, css, html } from 'lit';
import { ref } from 'lit/directives/ref.js';

// One module per podlet: every module is a request and a per-module cost in the browser
// (bench:page), so the data and helpers live here rather than in a module of their own.

/** A photo in the gallery. The demo draws them as gradients, so it needs no image files. */
export interface Photo {
  title: string;
  place: string;
  colors: [string, string, string];
}

export const photos: readonly Photo[] = [
  { title: 'Fjord at dawn', place: 'Geiranger', colors: ['#fbd3a0', '#7fa6c9', '#24476b'] },
  { title: 'Old town roofs', place: 'Lisbon', colors: ['#f6e7c1', '#e07a4f', '#7b2e1f'] },
  { title: 'Bamboo grove', place: 'Kyoto', colors: ['#e4f2d4', '#79a96b', '#23452b'] },
  { title: 'Northern lights', place: 'Tromsø', colors: ['#0b1d3a', '#1f7a6d', '#7ef0b1'] },
  { title: 'Harbour at dusk', place: 'Bergen', colors: ['#ffd1b3', '#b45f8a', '#2b2450'] },
  { title: 'Autumn maples', place: 'Montréal', colors: ['#ffe2a8', '#e0642c', '#6b1f12'] },
];

/** The CSS background that stands in for a photo. */
export function photoBackground(photo: Photo): string {
  const [a, b, c] = photo.colors;
  return `linear-gradient(160deg, ${a} 0%, ${b} 55%, ${c} 100%)`;
}

/** An image gallery: one large photo and a strip of thumbnails to choose from. */
export class PodletImage extends LitElement {
  static override properties = { selected: { state: true } };
  static override styles = [
    designStyles,
    css`
      figure {
        margin: 0;
      }
      .large {
        height: 220px;
        border-radius: 8px;
      }
      figcaption {
        margin: 8px 0 12px;
      }
      ul {
        display: grid;
        grid-template-columns: repeat(6, 1fr);
        gap: 8px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      button {
        width: 100%;
        height: 48px;
        padding: 0;
        border: 2px solid transparent;
      }
      button[aria-pressed='true'] {
        border-color: var(--pm-accent);
      }
    `,
  ];
  selected = 0;

  override render() {
    const photo = photos[this.selected]!;
    return html`<pm1-card
      ><h2 slot="heading">Travel gallery</h2>
      <figure>
        <div class="large" role="img" aria-label=${photo.title} ${ref(setBackground(photoBackground(photo)))}></div>
        <figcaption><strong>${photo.title}</strong> — ${photo.place}</figcaption>
      </figure>
      <ul>
        ${photos.map(
          (p, i) =>
            html`<li>
              <button
                aria-label=${p.title}
                aria-pressed=${i === this.selected ? 'true' : 'false'}
                ${ref(setBackground(photoBackground(p)))}
                @click=${() => (this.selected = i)}
              ></button>
            </li>`,
        )}
      </ul>
    </pm1-card>`;
  }
}
/**
 * Sets an element's background through the CSSOM, which a page's style-src allows; a style
 * attribute (lit's styleMap writes one on first render) is inline style, which it blocks.
 */
function setBackground(background: string) {
  return (element?: Element) => {
    if (element) (element as HTMLElement).style.background = background;
  };
}

customElements.define('podlet-image', PodletImage);
