// A podlet in a process of its own, as a team would run it: `node --import tsx
// serve-rendering-podlet.ts <folder> <name> <entry> <tag> <mode>` renders `<tag>` on the server in
// <mode> ('ssr-only' or 'hydrate') with the lit installed in <folder> (its own major, and its own
// @lit-labs/ssr), and prints its URL.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';

const [packageDir, name, entry, tag, mode] = process.argv.slice(2) as [string, string, string, string, 'ssr-only' | 'hydrate'];
const litEntry = createRequire(path.join(packageDir, 'package.json')).resolve('lit');
const { html, unsafeStatic } = (await import(pathToFileURL(litEntry.replace(/index\.js$/, 'static-html.js')).href)) as {
  html: (strings: TemplateStringsArray, ...values: unknown[]) => unknown;
  unsafeStatic: (value: string) => unknown;
};
const element = unsafeStatic(tag);
const podlet = await createPodlet({
  name,
  packageDir,
  entries: [entry],
  render: mode,
  content: () => html`<${element}></${element}>` as never,
});
const server = await podlet.listen(0);
console.log(`listening http://127.0.0.1:${(server.address() as { port: number }).port}/`);
