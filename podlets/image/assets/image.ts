import { LitElement, css, html } from 'lit';
import { photoBackground, photos } from './photos.ts';

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
