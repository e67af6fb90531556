/**
 * The files of a new podlet (`podmap init podlet <name>`), keyed by path. `name` is checked by
 * the caller: lowercase letters, digits and "-", so it is safe in every file below as it is.
 */
export function podletTemplate(name: string, runtimeVersion: string): Record<string, string> {
  const className = `Podlet${name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`;
  const pkg = {
    name,
    version: '1.0.0',
    private: true,
    type: 'module',
    description: `The ${name} podlet`,
    exports: { './*.js': { types: './public/*.d.ts', default: './public/*.js' } },
    scripts: { build: 'tsc -p tsconfig.json', start: 'node server.js', dev: 'podmap dev', release: 'podmap publish' },
    dependencies: { '@podmap/runtime': `^${runtimeVersion}`, lit: '^3.1.0' },
    devDependencies: { typescript: '^5.7.0' },
  };
  const tsconfig = {
    extends: '@podmap/runtime/tsconfig.browser.json',
    compilerOptions: { rootDir: 'assets', outDir: 'public' },
    include: ['assets/**/*.ts'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\npublic/\n',
    [`assets/${name}.ts`]: component(name, className),
    'server.js': server(name),
    'README.md': readme(name),
  };
}

const component = (name: string, className: string) => `import { LitElement, css, html } from 'lit';

/** <podlet-${name}>: the ${name} podlet's element. lit comes from the page's import map, never from a bundle. */
export class ${className} extends LitElement {
  static override styles = css\`
    :host {
      display: block;
    }
  \`;

  static override properties = { clicks: { type: Number } };
  declare clicks: number;

  constructor() {
    super();
    this.clicks = 0;
  }

  override render() {
    return html\`<p>Hello from the ${name} podlet.</p>
      <button @click=\${() => this.clicks++}>Clicked \${this.clicks} times</button>\`;
  }
}

customElements.define('podlet-${name}', ${className});
`;

const server = (name: string) => `// The ${name} podlet's server: its fragment, its Podium manifest and its compiled modules.
// \`npm start\` runs it on $PORT, or on 7100; a layout registers its /manifest.json.
import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

export const podlet = await createPodlet({
  name: '${name}',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  // With a CDN, pages load this version's modules from its release there (podmap publish).
  cdnUrl: process.env.PODMAP_CDN_URL || undefined,
  entries: ['${name}.js'],
  content: () => '<podlet-${name}><p>Loading ${name}…</p></podlet-${name}>',
  fallback: () => '<p>${name} is unavailable right now.</p>',
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await podlet.listen(Number(process.env.PORT ?? 7100));
  console.log(\`${name} podlet on http://127.0.0.1:\${server.address().port}/manifest.json\`);
}
`;

const readme = (name: string) => `# The ${name} podlet

A podmap podlet: \`assets/\` holds its browser code, compiled by \`tsc\` (never bundled) into
\`public/\`; \`server.js\` serves its fragment and manifest.

    npm install
    npm run build                 # tsc: assets/*.ts -> public/*.js
    npx podmap dev                # preview at http://127.0.0.1:8000/, sources unbundled
    npx podmap dev --layout URL   # the same modules inside a live layout, for your browser only
    npx podmap publish --dry-run  # checks package.json and public/ without uploading
    PODMAP_CDN_TOKEN=… npx podmap publish --cdn URL
    npm start                     # the podlet's server on PORT (default 7100)

A version is published once: bump \`version\` in package.json for every release.
`;
