/** A page of a layout: its title and its podlets. */
export interface LayoutPage {
  title: string;
  /** Podlet names, in the order their fragments appear in the body. */
  podlets: string[];
}
