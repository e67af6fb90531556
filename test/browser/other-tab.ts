// A second same-origin "tab" for the cross-tab tests: an iframe with its own window, so its own
// bus state, that loads the runtime by URL (fixtures/other-tab.html) and exposes it as `bus`.

/** Opens the other "tab" and resolves with what it exposes once its module has run. */
export async function openOtherTab<T>(): Promise<{ other: T; close: () => void }> {
  const frame = document.createElement('iframe');
  frame.src = '/test/browser/fixtures/other-tab.html';
  const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve()));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as Window & { bus?: T };
  if (!win.bus) await new Promise((resolve) => win.addEventListener('bus-ready', resolve));
  return { other: win.bus!, close: () => frame.remove() };
}
