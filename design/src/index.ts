import { LitElement, css, html } from 'lit';

// The demo's design system (docs/sharing.md, "The design system"). Every podlet imports it by
// its bare name, so the import map gives the page one copy: one module, one stylesheet adopted by
// every shadow root, one definition of each element. A minor release reaches every page with no
// podlet rebuilt; a team that stays on the previous major gets it in a scope beside this one.

/** The major of this copy; it is in every element name, so two majors on one page never clash. */
export const MAJOR = 1;

/**
 * The design tokens, as custom properties on every shadow root that adopts `designStyles`. The
 * brand colours are for the site's band (the header); the subtle surface for its quieter parts
 * (the footer). Fonts are shorthands built on one family, so a release changes it everywhere.
 */
export const tokens = css`
  :host {
    --pm-font-family: system-ui, sans-serif;
    --pm-font: 15px/1.4 var(--pm-font-family);
    --pm-font-small: 14px/1.4 var(--pm-font-family);
    --pm-text: #223;
    --pm-muted: #556;
    --pm-surface: #fff;
    --pm-surface-subtle: #eef2f6;
    --pm-brand: #0b2545;
    --pm-on-brand: #fff;
    --pm-on-brand-muted: #cfe3ff;
    --pm-border: #d8dee4;
    --pm-field-border: #aab4be;
    --pm-accent: #0b5cad;
    --pm-on-accent: #fff;
    --pm-danger: #b00020;
    --pm-radius: 10px;
    --pm-radius-small: 6px;
    --pm-space: 16px;
  }
`;

/**
 * The one stylesheet of the page's podlets: tokens, headings, labels, fields, buttons and
 * messages. lit adopts it as a constructed stylesheet, so every shadow root that lists it shares
 * one CSSStyleSheet object: no copy per podlet, none per element.
 */
export const designStyles = css`
  ${tokens}
  :host {
    font: var(--pm-font);
    color: var(--pm-text);
  }
  h2 {
    margin: 0 0 12px;
    font-size: 18px;
  }
  label {
    display: block;
    margin: 8px 0 4px;
    font-weight: 600;
  }
  input,
  select {
    box-sizing: border-box;
    padding: 8px;
    border: 1px solid var(--pm-field-border);
    border-radius: var(--pm-radius-small);
    font: inherit;
  }
  input {
    width: 100%;
  }
  button {
    padding: 8px 14px;
    border: 0;
    border-radius: var(--pm-radius-small);
    background: var(--pm-accent);
    color: var(--pm-on-accent);
    font: inherit;
    cursor: pointer;
  }
  .muted {
    color: var(--pm-muted);
  }
  .error {
    color: var(--pm-danger);
    margin: 8px 0 0;
  }
`;

/**
 * The same stylesheet as the one CSSStyleSheet object lit adopts for `designStyles`, for code
 * that is not on this lit: a podlet on lit 2 lists it in its `styles` as a native sheet.
 */
export const designSheet: CSSStyleSheet | undefined = designStyles.styleSheet;

/**
 * `<pm1-card>`: the box every podlet's widget sits in. Its heading (`<h2 slot="heading">`) and
 * content are slotted, so they stay in the podlet's own DOM, styled by `designStyles` there.
 */
export class Card extends LitElement {
  static override styles = [
    designStyles,
    css`
      :host {
        display: block;
        background: var(--pm-surface);
        border: 1px solid var(--pm-border);
        border-radius: var(--pm-radius);
        padding: var(--pm-space);
      }
    `,
  ];
  override render() {
    return html`<slot name="heading"></slot><slot></slot>`;
  }
}

/**
 * `<pm1-field>`: a label and its control, laid out. Both stay in the podlet's own DOM (the label
 * in slot "label", the control in the default slot), so `for`/`id` and forms work as usual.
 */
export class Field extends LitElement {
  static override styles = css`
    :host {
      display: block;
      margin: 0 0 8px;
    }
  `;

  override render() {
    return html`<slot name="label"></slot><slot></slot>`;
  }
}

/** Defines the elements of this major (`pm1-card`, `pm1-field`) once per page. */
function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
define(`pm${MAJOR}-card`, Card);
define(`pm${MAJOR}-field`, Field);
