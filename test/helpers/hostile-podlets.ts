import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The hostile podlets of issue 11, as plain HTTP handlers that the fault suite and
 * `npm run bench:faults` both register next to healthy podlets. Each one is what a wrong,
 * compromised or careless team could serve; none of it may cost another podlet its section,
 * run in a page, or grow the layout without bound.
 */
export interface HostilePodlet {
  /** The registered name (what the layout's `podlets` option calls it). */
  name: string;
  /** What it does, for test names and the bench table. */
  what: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Markup that would run if any manifest field reached the page unescaped. */
export const hostileMarkup = '"><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';

const json = (res: ServerResponse, value: unknown): void =>
  void res.setHeader('content-type', 'application/json').end(JSON.stringify(value));

function manifestOf(name: string, version: string, extra: Record<string, unknown> = {}) {
  return { name, version, content: '/', fallback: '/fallback', js: [], css: [], proxy: {}, ...extra };
}

function podmapOf(packageName: string, fields: { needs?: Record<string, string>; exposes?: Record<string, string> } = {}) {
  return { podmap: 1, package: { name: packageName, version: '1.0.0' }, base: './', needs: {}, exposes: {}, modules: {}, ...fields };
}

/** A podlet answering `manifest` and `podmap` as given, `content` at `/`, and its fallback. */
function serve(
  name: string,
  what: string,
  manifest: () => unknown,
  podmap: () => unknown,
  content = `<p>${name} content</p>`,
): HostilePodlet {
  return {
    name,
    what,
    handle(req, res) {
      if (req.url === '/manifest.json') return void json(res, manifest());
      if (req.url === '/podmap.json') return void json(res, podmap());
      if (req.url === '/fallback') return void res.end(`<p>${name} fallback</p>`);
      res.end(content);
    },
  };
}

/**
 * The hostile podlets. `victim` is the package name of a healthy podlet on the same layout
 * (its modules are what a hijacker goes after); `cdnUrl` is the layout's CDN (a content URL
 * pointing there would inline the CDN's JSON into the page).
 */
export function hostilePodlets(victim: string, cdnUrl: string): HostilePodlet[] {
  return [...claimsAndExposes(victim), ...sizesAndMarkup(cdnUrl)];
}

/** Package claims and exposes no layout may grant: another team's package, unsafe URLs, invalid needs. */
function claimsAndExposes(victim: string): HostilePodlet[] {
  return [
    serve(
      'takeover',
      'claims package lit and exposes lit/',
      () => manifestOf('takeover', '1.0.0'),
      () => podmapOf('lit', { exposes: { lit: './lit.js', 'lit/': './lit/' } }),
    ),
    serve(
      'aa-evil',
      `claims ${victim}, another team's package, and exposes its module`,
      () => manifestOf('aa-evil', '1.0.0'),
      () => podmapOf(victim, { exposes: { [`${victim}/session.js`]: './session.js' } }),
    ),
    serve(
      'unsafe-exposes',
      'exposes data: and javascript: URLs',
      () => manifestOf('unsafe-exposes', '1.0.0'),
      () =>
        podmapOf('@podlets/unsafe-exposes', {
          exposes: {
            '@podlets/unsafe-exposes/x.js': 'data:text/javascript,window.pwned=1',
            '@podlets/unsafe-exposes/y.js': 'javascript:window.pwned=1',
          },
        }),
    ),
    serve(
      'bad-needs',
      'needs packages with invalid names (Not A Valid Name, __proto__)',
      () => manifestOf('bad-needs', '1.0.0'),
      () =>
        // JSON.stringify writes "__proto__" as an own key, as a hostile document would.
        JSON.parse(
          `{"podmap":1,"package":{"name":"@podlets/bad-needs","version":"1.0.0"},"base":"./","needs":{"Not A Valid Name":"^1.0.0","__proto__":"^1.0.0"},"exposes":{},"modules":{}}`,
        ),
    ),
  ];
}

/** Documents too large, markup in every field, content from elsewhere, versions that never settle. */
function sizesAndMarkup(cdnUrl: string): HostilePodlet[] {
  let churn = 0;
  return [
    serve(
      'many-needs',
      'a podmap.json with 75,000 needs (~1 MB)',
      () => manifestOf('many-needs', '1.0.0'),
      () => podmapOf('@podlets/many-needs', { needs: Object.fromEntries(Array.from({ length: 75_000 }, (_, i) => [`p${i}`, '^1.0.0'])) }),
    ),
    serve(
      'big-manifest',
      'a 300 KB manifest.json',
      () => manifestOf('big-manifest', '1.0.0', { team: 'x'.repeat(300 * 1024) }),
      () => podmapOf('@podlets/big-manifest'),
    ),
    serve(
      'markup',
      'markup in every manifest field',
      () =>
        manifestOf('markup', '1.0.0', {
          js: [{ value: `/x.js?${hostileMarkup}`, type: 'module' }],
          css: [{ value: `/x.css?${hostileMarkup}`, media: hostileMarkup }],
          team: hostileMarkup,
        }),
      () => podmapOf('@podlets/markup'),
    ),
    serve(
      'foreign-content',
      "a content URL on another host (the CDN's JSON)",
      () => manifestOf('foreign-content', '1.0.0', { content: new URL('-/versions/npm/lit', cdnUrl).href }),
      () => podmapOf('@podlets/foreign-content'),
    ),
    {
      name: 'churn',
      what: 'a new version and new needs on every response',
      handle(req, res) {
        const n = ++churn;
        if (req.url === '/manifest.json') return void json(res, manifestOf('churn', `1.0.${n}`));
        if (req.url === '/podmap.json') return void json(res, podmapOf('@podlets/churn', { needs: { [`churn-${n}`]: '^1.0.0' } }));
        res.setHeader('podlet-version', `1.0.${n}`);
        res.end(req.url === '/fallback' ? '<p>churn fallback</p>' : '<p>churn content</p>');
      },
    },
    serve(
      'huge-content',
      'answers 20 MB of content',
      () => manifestOf('huge-content', '1.0.0'),
      () => podmapOf('@podlets/huge-content'),
      'x'.repeat(20 * 1024 * 1024),
    ),
  ];
}
