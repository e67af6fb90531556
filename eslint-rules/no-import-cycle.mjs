// podmap/no-import-cycle: a file may not reach itself again through relative imports. Every kind
// of import counts: static, `import type`, `export … from` and dynamic `import()`. A cycle on
// types only runs fine, but it still ties two files together so that neither can be read, moved
// or tested without the other, which is what the rule is for (eslint-plugin-import-x's no-cycle
// skips type-only imports, so it is not used).
//
// The linted file's imports come from its text, so the rule also works on text linted as if it
// were that file (test/architecture.test.ts); every other file's come from the disk, read once
// per change of its mtime. Bare specifiers are packages and are not followed.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** absolute path → { mtimeMs, imports } of every file read from the disk so far. */
const onDisk = new Map();

/** The relative imports of `text`, the source of `file`, resolved to the files they name. */
function importsOf(file, text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const found = [];
  for (const { fileName, pos } of importedFiles) {
    if (!fileName.startsWith('./') && !fileName.startsWith('../')) continue;
    const target = existingFile(path.resolve(path.dirname(file), fileName));
    // `pos` is where the quoted specifier starts.
    if (target) found.push({ target, pos, end: pos + fileName.length + 2 });
  }
  return found;
}

/** The file a specifier names; a `.js` specifier may name the `.ts` file that compiles to it. */
function existingFile(candidate) {
  for (const file of [candidate, candidate.replace(/\.js$/, '.ts')]) {
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // Not there: try the next spelling.
    }
  }
  return null;
}

/** The files `file` imports as it is on the disk; `fresh` holds the files checked for changes while linting this one. */
function importsOnDisk(file, fresh) {
  const cached = onDisk.get(file);
  if (cached && fresh.has(file)) return cached.imports;
  fresh.add(file);
  const { mtimeMs } = statSync(file);
  if (cached?.mtimeMs === mtimeMs) return cached.imports;
  const imports = importsOf(file, readFileSync(file, 'utf8')).map((i) => i.target);
  onDisk.set(file, { mtimeMs, imports });
  return imports;
}

/** The shortest chain of imports from `start` back to `file`, both included, or null. */
function pathBack(start, file, fresh) {
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const next of importsOnDisk(current, fresh)) {
      if (next === file) {
        const chain = [file];
        for (let at = current; at !== null; at = cameFrom.get(at)) chain.unshift(at);
        return chain;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid an import that leads back to the importing file (type-only and dynamic imports included)' },
    schema: [],
    messages: {
      cycle:
        'Import cycle: {{chain}}. Move what these files share into a file of their own, or let the lower file declare the little it needs.',
    },
  },
  create(context) {
    const file = context.physicalFilename;
    if (!path.isAbsolute(file)) return {};
    return {
      Program() {
        const reported = new Set();
        const fresh = new Set();
        for (const { target, pos, end } of importsOf(file, context.sourceCode.text)) {
          if (reported.has(target)) continue;
          const chain = target === file ? [file] : pathBack(target, file, fresh);
          if (!chain) continue;
          reported.add(target);
          const relative = (f) => path.relative(context.cwd, f);
          context.report({
            loc: { start: context.sourceCode.getLocFromIndex(pos), end: context.sourceCode.getLocFromIndex(end) },
            messageId: 'cycle',
            data: { chain: [file, ...chain].map(relative).join(' → ') },
          });
        }
      },
    };
  },
};
