import path from 'node:path';
import { readComments } from './read-comments.ts';
import type { Repository } from './read-repository.ts';

/** A repository path that a file cites and that does not exist, with the line that cites it (1-based). */
export interface StalePath {
  line: number;
  cited: string;
}

/**
 * The repository paths that `text`, the content of the repository file `file`, cites and that
 * are not in `repository`. Pure: nothing is read, so a test can hand it any text and any tree.
 *
 * What is read: all of a Markdown file (*.md); the comments of TypeScript and JavaScript; the
 * `#` comments of a shell script (a file whose first line is a shebang). What counts as a
 * citation:
 * - a path from the repository's root that starts with one of its top-level folders
 *   (`runtime/layout/`, `test/e2e/faults.test.ts`), not preceded by a letter, `/`, `.` or `@`
 *   (so `@podmap/runtime/layout` and URLs are left alone). A glob (`test/*.test.ts`,
 *   `test/**`) or a placeholder (`podlets/<name>/server.ts`) must match something, and braces
 *   (`runtime/{shared,cdn}/`) name a path for each choice; an elision (`test/e2e/hostile-…` or
 *   `...`) must start something; a line suffix (`file.ts:84`) and a trailing full stop are
 *   not part of the path; a trailing `/` asks for a folder. A decision cited by its number
 *   (`docs/decisions/0001`) must have a file that starts with that number and a dash.
 * - in Markdown, the target of a link or link definition that is not a URL or an anchor,
 *   relative to the Markdown file's folder; one that leaves the repository is stale too.
 * - a bare file name in capitals ending in `.md` (`ARCHITECTURE.md`): some folder must hold a
 *   file of that name, so a doc cannot point at a document the repository does not have.
 */
export function findStalePaths(file: string, text: string, repository: Repository): StalePath[] {
  const index = indexOf(repository);
  const stale: StalePath[] = [];
  for (const chunk of chunksOf(file, text)) {
    for (const citation of citationsIn(chunk.text, index)) {
      if (!exists(citation.path, index)) stale.push({ line: chunk.line + lineOf(chunk.text, citation.at), cited: citation.path });
    }
    if (!file.endsWith('.md')) continue;
    for (const link of linksIn(chunk.text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), link.target));
      if (target.startsWith('../') || !exists(target, index))
        stale.push({ line: chunk.line + lineOf(chunk.text, link.at), cited: link.target });
    }
  }
  return stale.sort((a, b) => a.line - b.line);
}

interface RepositoryIndex {
  entries: ReadonlySet<string>;
  folders: ReadonlySet<string>;
  topLevel: RegExp;
  names: ReadonlySet<string>;
  all: readonly string[];
  ignoredFolders: ReadonlySet<string>;
}

const indexes = new WeakMap<Repository, RepositoryIndex>();

/** Files and folders ("runtime/layout/" with its slash) of the repository, built once per list. */
function indexOf(repository: Repository): RepositoryIndex {
  const known = indexes.get(repository);
  if (known) return known;
  const { files } = repository;
  const folders = new Set<string>();
  for (const file of files) {
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) folders.add(file.slice(0, slash + 1));
  }
  const tops = [...folders].filter((folder) => folder.indexOf('/') === folder.length - 1).map((folder) => escapeRegExp(folder));
  const index: RepositoryIndex = {
    entries: new Set([...files, ...folders]),
    folders,
    // A path starts where no word, path or package character precedes it.
    topLevel: new RegExp(`(?<![\\w.@/~$\\\\-])(?:${tops.join('|') || '(?!)'})`, 'g'),
    names: new Set(files.map((file) => file.slice(file.lastIndexOf('/') + 1))),
    all: [...files, ...folders],
    ignoredFolders: new Set(repository.ignoredFolders),
  };
  indexes.set(repository, index);
  return index;
}

/** The parts of a file that may cite paths, each with the line it starts on. */
function chunksOf(file: string, text: string): Array<{ text: string; line: number }> {
  if (file.endsWith('.md')) return [{ text, line: 1 }];
  if (/\.[cm]?[jt]s$/.test(file)) {
    // Blank the comment markers, so a path right after `//` or `/*` is not taken as preceded by a slash.
    return readComments(file, text).map(({ text, line }) => ({ text: text.replace(/^\/[/*]|\*\/$/g, '  '), line }));
  }
  if (text.startsWith('#!')) {
    return text
      .split('\n')
      .map((line, i) => ({ text: line.slice(line.search(/(^|\s)#/) + 1), line: i + 1, isComment: /(^|\s)#/.test(line) }))
      .filter((line) => line.isComment && line.line > 1);
  }
  return [];
}

interface Citation {
  path: string;
  at: number;
}

/** Repository paths and capitalised Markdown names in `text`, as written (elisions and globs kept). */
function citationsIn(text: string, index: RepositoryIndex): Citation[] {
  const citations: Citation[] = [];
  for (const match of text.matchAll(index.topLevel)) {
    const end = endOfPath(text, match.index + match[0].length);
    const written = text.slice(match.index, end);
    for (const one of expandBraces(written.endsWith('...') ? written : written.replace(/\.+$/, ''))) {
      citations.push({ path: one, at: match.index });
    }
  }
  for (const match of text.matchAll(/(?<![\w./@-])[A-Z][A-Z0-9_-]*\.md\b/g)) {
    if (!index.names.has(match[0])) citations.push({ path: match[0], at: match.index });
  }
  return citations;
}

/** `runtime/{shared,cdn}/` as `runtime/shared/` and `runtime/cdn/`: each must exist. */
function expandBraces(written: string): string[] {
  const braces = /\{([^{}]*)\}/.exec(written);
  if (!braces) return [written];
  const [before, after] = [written.slice(0, braces.index), written.slice(braces.index + braces[0].length)];
  return braces[1]!.split(',').flatMap((choice) => expandBraces(`${before}${choice}${after}`));
}

/** Where the path that goes on at `start` ends: after path characters, placeholders, braces and an elision. */
function endOfPath(text: string, start: number): number {
  let at = start;
  for (;;) {
    const rest = text.slice(at);
    const step = /^(?:[\w./*-]|<[\w-]+>|\{[\w.,/*-]+\})/.exec(rest);
    if (rest.startsWith('…')) return at + 1;
    if (!step) return at;
    at += step[0].length;
  }
}

/** Markdown link targets and link definitions that are neither URLs nor anchors. */
function linksIn(text: string): Array<{ target: string; at: number }> {
  const links: Array<{ target: string; at: number }> = [];
  for (const match of text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)|^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)/gm)) {
    const target = (match[1] ?? match[2]!).replace(/[#?].*$/, '');
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
    links.push({ target: decodeURI(target), at: match.index });
  }
  return links;
}

/** True when the cited path names something in the repository, or lies in an ignored folder whose parent exists. */
function exists(cited: string, index: RepositoryIndex): boolean {
  if (existsInTree(cited, index)) return true;
  const segments = cited.split('/');
  const ignored = segments.findIndex((segment, i) => i > 0 && index.ignoredFolders.has(segment));
  return ignored > 0 && existsInTree(`${segments.slice(0, ignored).join('/')}/`, index);
}

/** True when the cited path, glob, placeholder or elided path names a file or folder of the tree. */
function existsInTree(cited: string, index: RepositoryIndex): boolean {
  const elided = /(\.\.\.|…)$/.exec(cited);
  const written = elided ? cited.slice(0, elided.index) : cited;
  if (/[*<]/.test(written) || elided) {
    const pattern = new RegExp(`^${globToRegExp(written)}${elided ? '' : '/?$'}`);
    return index.all.some((entry) => pattern.test(entry));
  }
  if (index.entries.has(written) || index.folders.has(`${written}/`)) return true;
  // A decision is cited by its number: docs/decisions/0001 is docs/decisions/0001-….md.
  const numbered = /^(.*\/)(\d+)$/.exec(written);
  return numbered !== null && index.all.some((entry) => entry.startsWith(`${numbered[1]}${numbered[2]}-`));
}

/** A glob as a regular expression's source: `**` any path, `*` and `<placeholder>` one name. */
function globToRegExp(glob: string): string {
  let source = '';
  for (let at = 0; at < glob.length;) {
    const rest = glob.slice(at);
    const token = /^(\*\*\/?|\*|<[\w-]+>)/.exec(rest);
    if (!token) {
      source += escapeRegExp(glob[at]!);
      at += 1;
      continue;
    }
    const [text] = token;
    if (text.startsWith('**')) source += '(?:.*/)?' + (text.endsWith('/') ? '' : '[^/]*');
    else if (text === '*') source += '[^/]*';
    else source += '[^/]+';
    at += text.length;
  }
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}
