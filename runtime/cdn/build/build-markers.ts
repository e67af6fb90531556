/** Stands in for an import of another output of the same build; rewritten to a relative URL afterwards. */
export const OUTPUT_MARKER = 'podmap-output:';
/** Stands in for an import of a Node built-in; an entry that reaches one cannot run in a browser. */
export const BUILTIN_MARKER = 'podmap-node-builtin:';
/** How an unavailable entry point's reason starts when it needs Node (a built-in or a native addon). */
export const NODE_ONLY = 'needs Node:';
