import { parse } from 'es-module-lexer';

/** A binding of an import clause: what the other module calls it, and its name here. */
interface Binding {
  imported: string;
  local: string;
}

const IMPORT_CLAUSE = /^import\s*([\s\S]*?)\s*from\s*$/;
const SPECIFIER = /^(?:(["'])([^"']*)\1|([\w$]+))(?:\s+as\s+([\w$]+))?$/;

/**
 * Removes, from the static imports of other packages in an unminified-identifiers module, the
 * bindings the module never mentions: esbuild keeps every name of an import from a package left
 * external, used or not, and each name kept makes the next package's shaken build keep that
 * export and what it reaches. A binding is kept if its name occurs anywhere outside the import
 * statements, as a word (in a string, a property, another scope alike), so a reference can never
 * be removed, only an unused binding kept. A clause left empty becomes `import "x"`, or goes
 * entirely when `dropWhole(specifier)` (its package has no side effects). Namespace imports,
 * relative imports and anything the lexer or the clause reader cannot take apart stay as they are.
 * es-module-lexer must be initialised.
 */
export function pruneUnusedImports(code: string, dropWhole: (specifier: string) => boolean): string {
  let imports;
  try {
    [imports] = parse(code);
  } catch {
    return code;
  }
  const statics = imports.filter((i) => i.t === 1 && i.n !== undefined && code.startsWith('import', i.ss));
  let outside = '';
  let from = 0;
  for (const item of statics) {
    outside += code.slice(from, item.ss) + ' ';
    from = item.se;
  }
  outside += code.slice(from);
  let result = '';
  from = 0;
  for (const item of statics) {
    if (/^[./]/.test(item.n!)) continue;
    // Only `import <clause> from "<specifier>"`, with nothing after the specifier (no attributes).
    if (
      code
        .slice(item.e + 1, item.se)
        .trim()
        .replace(/;$/, '') !== ''
    )
      continue;
    const head = code.slice(item.ss, item.s - 1);
    const rewritten = rewriteStatement(head, code.slice(item.s - 1, item.e + 1), outside, () => dropWhole(item.n!));
    if (rewritten === null) continue;
    result += code.slice(from, item.ss) + rewritten;
    from = item.se;
  }
  return result + code.slice(from);
}

/** The statement with only the bindings `outside` mentions; null to leave it as it is. */
function rewriteStatement(head: string, quoted: string, outside: string, dropWhole: () => boolean): string | null {
  const clause = IMPORT_CLAUSE.exec(head)?.[1];
  if (clause === undefined || clause === '' || clause.includes('*')) return null;
  const parsed = readClause(clause);
  if (!parsed) return null;
  const used = (name: string) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(outside);
  const keepDefault = parsed.defaultLocal !== null && used(parsed.defaultLocal);
  const kept = parsed.named.filter((b) => used(b.local));
  if (kept.length === parsed.named.length && (parsed.defaultLocal === null || keepDefault)) return null;
  if (!keepDefault && kept.length === 0) return dropWhole() ? '' : `import${quoted}`;
  // The rest of the statement (a semicolon) stays where it was.
  const list = kept.map((b) => (b.imported === b.local ? b.local : `${b.imported} as ${b.local}`)).join(',');
  const parts = [keepDefault ? parsed.defaultLocal : null, kept.length > 0 ? `{${list}}` : null].filter(Boolean);
  return `import ${parts.join(',')} from${quoted}`;
}

/** `d, { a as b, "x-y" as c }` → the default's local name and the named bindings; null for anything else. */
function readClause(clause: string): { defaultLocal: string | null; named: Binding[] } | null {
  const match = /^(?:([\w$]+)\s*(?:,\s*)?)?(?:\{([^}]*)\})?$/.exec(clause.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return null;
  const named: Binding[] = [];
  for (const part of (match[2] ?? '').split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const spec = SPECIFIER.exec(part);
    if (!spec) return null;
    const imported = spec[2] !== undefined ? JSON.stringify(spec[2]) : spec[3]!;
    const local = spec[4] ?? spec[3];
    if (local === undefined) return null;
    named.push({ imported, local });
  }
  return { defaultLocal: match[1] ?? null, named };
}
