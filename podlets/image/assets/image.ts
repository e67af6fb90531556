import { LitElement, css, html } from 'lit';

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
      border: 2px solid transparent;
      border-radius: 6px;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      border-color: #0b5cad;
    }
  `;
  selected = 0;

  override render() {
    const photo = photos[this.selected]!;
    return html`<h2>Travel gallery</h2>
      <figure>
        <div class="large" role="img" aria-label=${photo.title} style="background:${photoBackground(photo)}"></div>
        <figcaption><strong>${photo.title}</strong> — ${photo.place}</figcaption>
      </figure>
      <ul>
        ${photos.map(
          (p, i) =>
            html`<li>
              <button
                aria-label=${p.title}
                aria-pressed=${i === this.selected ? 'true' : 'false'}
                style="background:${photoBackground(p)}"
                @click=${() => (this.selected = i)}
              ></button>
            </li>`,
        )}
      </ul>`;
  }
}
customElements.define('podlet-image', PodletImage);
