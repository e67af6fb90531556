import { peek, publish, shareAcrossTabs, subscribe } from '@podmap/browser';

/** Who is signed in; null when nobody is. */
export interface Session {
  user: string;
  since: string;
}

const CHANNEL = 'auth';
const TOPIC = 'session';

// Signing in or out in one tab updates the others that are open (the bus's opt-in
// BroadcastChannel delivery; nothing else on the page crosses tabs).
shareAcrossTabs(CHANNEL);

/**
 * The session, exposed to other podlets as `@podlets/auth/session.js`. State travels on the
 * podmap bus, so a podlet that never imports this module can still listen to
 * `auth`/`session` messages.
 */
export function currentSession(): Session | null {
  return (peek(CHANNEL, TOPIC) as Session | null | undefined) ?? null;
}

/** Calls `listener` with the current session now and on every change; returns an unsubscribe function. */
export function onSessionChange(listener: (session: Session | null) => void): () => void {
  return subscribe(CHANNEL, TOPIC, (payload: unknown) => listener((payload as Session | null) ?? null), { replay: true });
}

export function signIn(user: string): Session {
  const session = { user, since: new Date().toISOString() };
  publish(CHANNEL, TOPIC, session);
  return session;
}

export function signOut(): void {
  publish(CHANNEL, TOPIC, null);
}
