import { readComments } from './read-comments.ts';

/** What the error-code check reads: the catalogue, docs/errors.md and the runtime's sources. */
export interface ErrorCodeSources {
  /** runtime/shared/errors.ts's errorCatalogue. */
  catalogue: Readonly<Record<string, { status: number; retired?: boolean }>>;
  /** The text of docs/errors.md. */
  doc: string;
  /** Every source file of runtime/ but the catalogue: path → text. */
  sources: ReadonlyMap<string, string>;
}

const RETIRED_HEADING = /^## Retired codes\s*$/m;
const CODE = /PODMAP_ERR_[A-Z0-9_]+/g;
const DOC_ROW = /^\|\s*`(PODMAP_ERR_[A-Z0-9_]+)`\s*\|/gm;

/**
 * What is wrong between the error catalogue, the code that uses it and its documentation, one
 * sentence per problem (none: all is well). A code is used when its name appears in a source's
 * code, not only in a comment: thrown, sent or logged. Every code of the catalogue is used unless
 * it is retired (`retired: true`); a retired code is used nowhere and is listed in docs/errors.md
 * under "## Retired codes", so it is never reused; a code that is not retired is not listed there;
 * and every PODMAP_ERR_ name the runtime uses is in the catalogue. Pure: nothing is read.
 */
export function findErrorCodeProblems({ catalogue, doc, sources }: ErrorCodeSources): string[] {
  const problems: string[] = [];
  const usedIn = new Map<string, string[]>();
  for (const [file, text] of sources) {
    for (const code of new Set(codeOf(file, text).match(CODE) ?? [])) usedIn.set(code, [...(usedIn.get(code) ?? []), file]);
  }
  for (const [code, files] of usedIn) {
    if (!Object.hasOwn(catalogue, code)) problems.push(`${listed(files)} ${code}, which runtime/shared/errors.ts does not have`);
  }
  const retiredSection = RETIRED_HEADING.exec(doc);
  const listedRetired = new Set(retiredSection ? [...doc.slice(retiredSection.index).matchAll(DOC_ROW)].map((m) => m[1]!) : []);
  for (const [code, definition] of Object.entries(catalogue)) {
    const files = usedIn.get(code);
    if (definition.retired) {
      if (files) problems.push(`${code} is retired but ${listed(files)} it: a retired code is never thrown again`);
      if (!listedRetired.has(code)) problems.push(`${code} is retired: docs/errors.md lists it under "## Retired codes"`);
    } else {
      if (!files) {
        problems.push(
          `${code} is never thrown, sent or logged in runtime/: use it, or mark it retired: true and list it under "## Retired codes" in docs/errors.md`,
        );
      }
      if (listedRetired.has(code)) problems.push(`${code} is not retired, but docs/errors.md lists it under "## Retired codes"`);
    }
  }
  return problems;
}

/** "a.ts uses" or "a.ts, b.ts use". */
function listed(files: string[]): string {
  return `${files.join(', ')} ${files.length === 1 ? 'uses' : 'use'}`;
}

/** The source with its comments blanked out, so a code named only in a comment does not count as used. */
function codeOf(file: string, text: string): string {
  let code = '';
  let at = 0;
  for (const comment of readComments(file, text)) {
    code += `${text.slice(at, comment.start)} `;
    at = comment.end;
  }
  return code + text.slice(at);
}
