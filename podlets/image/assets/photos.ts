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
