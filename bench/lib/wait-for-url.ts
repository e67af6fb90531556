/** Resolves once something answers at `url` (any status), polling every 50 ms for up to 5 s: for a server the bench started, such as nginx, that says nothing when it listens. */
export async function waitForUrl(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nothing answers at ${url}`);
}
