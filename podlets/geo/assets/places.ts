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
