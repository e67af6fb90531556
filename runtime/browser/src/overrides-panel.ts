// The overrides panel: a dialog to edit the podmap-overrides cookie. Loaded by
// openOverridesPanel() only, so a page pays for it only when a developer opens it.
// What the panel uses of overrides.ts, which passes it in. Declared here, not imported: overrides.ts
// loads this module, and importing back from it would make the two files a cycle.
interface OverridesApi {
  listOverrides(): { imports: Record<string, string>; podlets: Record<string, string> };
  setOverride(kind: 'import' | 'podlet', key: string, url: string, options?: { reload?: boolean }): unknown;
  clearOverrides(options?: { reload?: boolean }): unknown;
}

/** Shows the panel: one line per override ("import lit http://localhost:8000/lit.js" or "podlet header http://localhost:8000/public/"). */
export function showOverridesPanel(api: OverridesApi): void {
  document.getElementById('podmap-overrides-panel')?.remove();
  const dialog = document.createElement('dialog');
  dialog.id = 'podmap-overrides-panel';
  dialog.style.font = '13px/1.4 system-ui, sans-serif';
  const current = api.listOverrides();
  const lines = [
    ...Object.entries(current.imports).map(([k, v]) => `import ${k} ${v}`),
    ...Object.entries(current.podlets).map(([k, v]) => `podlet ${k} ${v}`),
  ];
  const heading = Object.assign(document.createElement('p'), {
    textContent: 'podmap import-map overrides, one per line: "import <specifier> <url>" or "podlet <name> <base url>".',
  });
  const text = Object.assign(document.createElement('textarea'), { rows: 6, cols: 80, value: lines.join('\n') });
  const save = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Save and reload' });
  const cancel = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel' });
  save.addEventListener('click', () => {
    api.clearOverrides({ reload: false });
    for (const line of text.value.split('\n')) {
      const [kind, key, url] = line.trim().split(/\s+/);
      if (!kind) continue;
      if ((kind !== 'import' && kind !== 'podlet') || !key || !url) {
        console.warn(`podmap: overrides panel: cannot read "${line}"`);
        continue;
      }
      try {
        api.setOverride(kind, key, url, { reload: false });
      } catch (error) {
        console.warn(String(error));
      }
    }
    location.reload();
  });
  cancel.addEventListener('click', () => dialog.remove());
  dialog.append(heading, text, document.createElement('br'), save, cancel);
  document.body.append(dialog);
  dialog.showModal();
}
