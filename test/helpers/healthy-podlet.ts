import { createPodlet, type Podlet } from '../../runtime/podlet/create-podlet.ts';
import type { AfterHook } from './cleanups.ts';
import { writePodletFolder } from './fixture-podlet.ts';

/** The healthy podlets of the fault suites and bench:faults, in page order. */
export const healthyPodletNames = ['alpha', 'beta', 'gamma'];

/**
 * One well-behaved podlet of the fault suites and bench:faults: content `<p><name> content</p>`,
 * fallback `<p><name> fallback</p>`, one module that imports lit (from the CDN) and marks the
 * document with `data-<name>="ran"` once it runs. With `session`, alpha exposes
 * `@podlets/alpha/session.js` and beta imports it to set its mark: the module a hijacker goes after
 * (alpha owns `@podlets/alpha` by its registered name). Its folder is removed through `t`.
 */
export async function createHealthyPodlet(t: AfterHook, name: string, options: { session?: boolean } = {}): Promise<Podlet> {
  const usesSession = options.session === true && name === 'beta';
  const dir = await writePodletFolder(t, {
    name: `@podlets/${name}`,
    dependencies: usesSession ? { lit: '^3.1.0', '@podlets/alpha': '^1.0.0' } : { lit: '^3.1.0' },
    modules: {
      [`${name}.js`]: usesSession
        ? `import 'lit';\nimport { ran } from '@podlets/alpha/session.js';\nran('beta');\n`
        : `import 'lit';\ndocument.documentElement.dataset.${name} = 'ran';\n`,
      'session.js': 'export const ran = (name) => (document.documentElement.dataset[name] = "ran");\n',
    },
  });
  return createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    exposes: options.session === true && name === 'alpha' ? { '@podlets/alpha/session.js': 'session.js' } : {},
    content: () => `<p>${name} content</p>`,
    fallback: () => `<p>${name} fallback</p>`,
  });
}
