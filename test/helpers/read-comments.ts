import ts from 'typescript';

/** One comment of a source file: its text, markers included, the line it starts on (1-based) and its offsets. */
export interface SourceComment {
  text: string;
  line: number;
  start: number;
  end: number;
}

/**
 * Every comment in the TypeScript or JavaScript `source`, in order, found by TypeScript's own
 * parser, so that `//` inside a string, a template or a regular expression is not taken for
 * one. `fileName` only picks the dialect (.ts, .js, .mjs, .d.ts). Pure: nothing is read.
 */
export function readComments(fileName: string, source: string): SourceComment[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const byStart = new Map<number, SourceComment>();
  const take = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (byStart.has(range.pos)) continue;
      const line = file.getLineAndCharacterOfPosition(range.pos).line + 1;
      byStart.set(range.pos, { text: source.slice(range.pos, range.end), line, start: range.pos, end: range.end });
    }
  };
  // Comments are trivia before or after a token; getChildren() includes the tokens (a `}` of an
  // empty block, the end of the file) that forEachChild would skip.
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(source, node.getFullStart()));
    take(ts.getTrailingCommentRanges(source, node.getEnd()));
    for (const child of node.getChildren(file)) visit(child);
  };
  visit(file);
  return [...byStart].sort(([a], [b]) => a - b).map(([, comment]) => comment);
}

function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}
