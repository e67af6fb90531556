/** The npm package a bare specifier belongs to: "lit/decorators.js" → "lit", "@a/b/c" → "@a/b". */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
