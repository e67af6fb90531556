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
