/**
 * What one import takes from the module it names: a list of export names ("default" for a
 * default import; [] for `import 'x'`, which only runs it), or "*" for everything (`import * as`,
 * `export * from`, a dynamic import, anything this reader cannot take apart). The podlet records
 * it in podmap.json and the CDN reads it from its shaken builds (docs/shaken-builds.md).
 */
export type ImportedNames = string[] | '*';

/** The parts of an es-module-lexer import record that readImportedNames looks at. */
export interface LexedImport {
  /** Start of the specifier (inside the quotes). */
  s: number;
  /** Start and end of the statement. */
  ss: number;
  se: number;
  /** 1: a static import or re-export; 2: import(); 3: import.meta. */
  t: number;
}

/**
 * The export names a static import or re-export statement takes, read from `source` between
 * the statement's start and its specifier: `import d, { a as b, "c-d" as e } from` → ["default",
 * "a", "c-d"]; `export { x as y } from` → ["x"]; `import 'x'` → []; `import * as n`, `export *`
 * and dynamic imports → "*". Comments inside the clause are skipped. Pure.
 */
export function readImportedNames(source: string, item: LexedImport): ImportedNames {
  if (item.t !== 1) return '*';
  // The clause: from the statement's start to its quote, without the closing `from`.
  const clause = source
    .slice(item.ss, Math.max(item.ss, item.s - 1))
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/\s*from\s*$/, '')
    .trim();
  const exported = /^export\b\s*/.exec(clause);
  const rest = clause.slice(exported ? exported[0].length : 'import'.length).trim();
  if (exported && rest.startsWith('*')) return '*';
  const names = new Set<string>();
  const braces = rest.indexOf('{');
  const head = (braces === -1 ? rest : rest.slice(0, braces)).replace(/,\s*$/, '').trim();
  const namespace = /^(?:([A-Za-z_$][\w$]*)\s*,\s*)?\*\s*as\s+([A-Za-z_$][\w$]*)$/.exec(head);
  if (!exported && namespace) {
    const members = readMemberUses(source, namespace[2]!, item);
    if (members === '*') return '*';
    return [...new Set([...(namespace[1] ? ['default'] : []), ...members])].sort();
  }
  if (!exported && head.includes('*')) return '*';
  if (!exported && head.length > 0) names.add('default');
  if (braces !== -1) {
    const inner = rest.slice(braces + 1, rest.lastIndexOf('}'));
    for (const part of splitSpecifiers(inner)) names.add(part);
  }
  return [...names].sort();
}

/**
 * The properties read from namespace `local` (`import * as z`) anywhere in `source` outside the
 * import statement, when every use of the name is a plain member access (`z.object`); "*" as
 * soon as one is not (`z[k]`, `z?.x`, `f(z)`, `...z`, `{ z }`, `export { z }`), since the namespace may
 * then reach any export. Textual: a use in a string or comment, or a local that shadows the name,
 * only adds names or gives up, never loses one.
 */
function readMemberUses(source: string, local: string, item: LexedImport): string[] | '*' {
  const members = new Set<string>();
  const escaped = local.replace(/\$/g, '\\$');
  const use = new RegExp(`(?<![\\w$])(?<![^.]\\.)${escaped}(?![\\w$])(\\s*\\.\\s*([A-Za-z_$][\\w$]*))?`, 'g');
  for (const match of source.matchAll(use)) {
    if (match.index >= item.ss && match.index < item.se) continue;
    if (match[2] === undefined) return '*';
    members.add(match[2]);
  }
  return [...members];
}

/** `a as b, "c-d" as e, f` → ["a", "c-d", "f"]: the first name of each specifier, unquoted. */
function splitSpecifiers(inner: string): string[] {
  const names: string[] = [];
  const pattern =
    /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s,]+))(?:\s+as\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,]+))?\s*(?:,|$)/gy;
  for (let match = pattern.exec(inner); match && match[0].length > 0; match = pattern.exec(inner)) {
    // A string name keeps its escapes as written: es-module-lexer and esbuild print plain ones.
    names.push(match[1] ?? match[2] ?? match[3]!);
  }
  return names;
}

/** The union of two readings: "*" absorbs everything; lists merge, sorted. */
export function mergeImportedNames(a: ImportedNames | undefined, b: ImportedNames): ImportedNames {
  if (a === undefined) return b === '*' ? '*' : [...new Set(b)].sort();
  if (a === '*' || b === '*') return '*';
  return [...new Set([...a, ...b])].sort();
}
