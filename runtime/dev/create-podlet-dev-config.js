/* global fetch */
// The @web/dev-server config of one podlet's dev server (`npm run dev -w podlets/<name>`):
// a preview page that renders the podlet's fragment under a native import map, and the
// podlet's TypeScript served unbundled by esbuild, with bare specifiers left for the map.
// The same URLs serve a live layout through an import-map override (docs/overrides.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { tsImport } from 'tsx/esm/api';
import { createDevImportMap } from './create-dev-import-map.js';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));

/** `/public/<file>.js` is the podlet's `assets/<file>.ts`, the names its releases use. */
const OWN_MODULE = /^\/public\/([\w./-]+)\.js$/;
/** Another podlet's exposed modules: `/-/podlets/<name>/<file>.js`. */
const OTHER_MODULE = /^\/-\/podlets\/([\w-]+)\/([\w./-]+)\.js$/;

/** The dev server's port when neither `port` nor PODMAP_DEV_PORT says otherwise. */
export const DEFAULT_DEV_PORT = 8000;

/**
 * Creates the dev server config for the podlet in `podletDir` (its package.json, server.ts,
 * assets/). Port from PODMAP_DEV_PORT, default DEFAULT_DEV_PORT; 0 picks a free one. The podlet's server.ts
 * runs in-process on a free port to render the preview's fragment, so run `npm run build` once
 * before (server.ts reads the compiled entries; the browser never gets them).
 */
// eslint-disable-next-line max-lines-per-function -- one @web/dev-server config object, its middleware and plugin inline where they are used
export function createPodletDevConfig({ podletDir, port = Number(process.env.PODMAP_DEV_PORT ?? DEFAULT_DEV_PORT) }) {
  const name = path.basename(podletDir);
  const podletPath = path.relative(rootDir, podletDir).split(path.sep).join('/');
  const sourceOf = (dir, file) => {
    if (path.normalize(file).startsWith('..')) return null; // the regexes allow "..": refuse it here
    return existsSync(path.join(rootDir, dir, 'assets', `${file}.ts`)) ? `/${dir}/assets/${file}.ts` : null;
  };
  let podletServer;
  const fragment = async () => {
    podletServer ??= tsImport(path.join(podletDir, 'server.ts'), import.meta.url).then(async ({ podlet }) => {
      const server = await podlet.listen(0);
      return { server, url: `http://127.0.0.1:${server.address().port}/` };
    });
    const base = (await podletServer).url;
    const manifest = await (await fetch(`${base}manifest.json`)).json();
    const entries = manifest.js.filter((s) => s.type === 'module').map((s) => `/public/${s.value.split('/').pop()}`);
    return { entries, html: await (await fetch(base)).text() };
  };

  return {
    rootDir,
    port,
    hostname: '127.0.0.1',
    // Bare specifiers stay bare: the import map resolves them, as in production.
    nodeResolve: false,
    watch: true,
    plugins: [
      esbuildPlugin({ ts: true, target: 'auto', tsconfig: path.join(podletDir, 'tsconfig.json') }),
      {
        name: 'podmap-podlet-preview',
        async serverStop() {
          const running = await podletServer;
          running?.server.closeAllConnections();
          running?.server.close();
        },
        async serve(context) {
          if (context.path !== '/' && context.path !== '/index.html') return undefined;
          const map = createDevImportMap({ rootDir, podletDir, podletsPath: (other) => `/-/podlets/${other}/` });
          const { entries, html } = await fragment();
          const scripts = entries.map((src) => `<script type="module" src="${src}"></script>`).join('\n');
          return {
            type: 'html',
            body: `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${name} — podmap dev</title>\n<link rel="icon" href="data:,">\n<script type="importmap">${JSON.stringify(map).replace(/</g, '\\u003c')}</script>\n${scripts}\n</head>\n<body>\n<main data-podlet="${name}">${html}</main>\n</body>\n</html>\n`,
          };
        },
        // Sources import "./session.ts"; the browser asks for "./session.js", the name in
        // public/ and in the podlet's exposes, so one module never has two URLs (two instances).
        transformImport({ source }) {
          return /^\.{1,2}\//.test(source) && source.endsWith('.ts') ? `${source.slice(0, -3)}.js` : undefined;
        },
      },
    ],
    middleware: [
      function crossOrigin(context, next) {
        // A live layout on another origin loads these modules with crossorigin="anonymous";
        // Chromium also asks before a public page may reach this loopback server.
        context.set('Access-Control-Allow-Origin', '*');
        if (context.method === 'OPTIONS') {
          context.set('Access-Control-Allow-Private-Network', 'true');
          context.set('Access-Control-Allow-Headers', '*');
          context.status = 204;
          return undefined;
        }
        return next();
      },
      function moduleUrls(context, next) {
        const own = OWN_MODULE.exec(context.path);
        const other = OTHER_MODULE.exec(context.path);
        const source = own ? sourceOf(podletPath, own[1]) : other ? sourceOf(`podlets/${other[1]}`, other[2]) : null;
        if (source) context.url = source;
        return next();
      },
    ],
  };
}
