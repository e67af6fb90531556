import { createStore } from '@podmap/browser/store.js';

/** Who is signed in; null when nobody is. */
export interface Session {
  user: string;
  since: string;
}

/** The demo's stand-in for a real session cookie, which the layout reads to know the user. */
const COOKIE = 'podmap-demo-user';

/**
 * The session, in the page's store of channel `auth` (topic `state` on the bus): one state for
 * the whole page, whichever podlet or copy of the runtime reads it, shared with this site's other
 * tabs. On a page where the server knew the user, the store starts from the session auth's
 * server sent with its content, so the header shows it on first paint.
 */
const session = createStore<string, Session | null>('auth', null, { acrossTabs: true });

/**
 * The session, exposed to other podlets as `@podlets/auth/session.js`. A podlet that never
 * imports this module can still follow the `auth` channel's `state` messages on the bus.
 */
export function currentSession(): Session | null {
  return session.get();
}

/** Calls `listener` with the current session now and on every change; returns an unsubscribe function. */
export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listener(session.get());
  return session.subscribe((value) => listener(value ?? null));
}

export function signIn(user: string): Session {
  const next = { user, since: new Date().toISOString() };
  document.cookie = `${COOKIE}=${encodeURIComponent(user)}; path=/; SameSite=Lax`;
  session.set(next);
  return next;
}

export function signOut(): void {
  document.cookie = `${COOKIE}=; path=/; max-age=0; SameSite=Lax`;
  session.set(null);
}
