/**
 * Helpers for a podmap server's own process (a podlet's, layout's or CDN's `main`): they read
 * the environment, install signal handlers and end the process, so they are for command lines,
 * not for code that embeds a server.
 */
export { isMain } from './is-main.ts';
export { listenFromEnv } from './listen-from-env.ts';
