// The few assertions the browser tests need, so that they import nothing from node_modules
// that the import map would have to carry.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Fails unless `actual === expected`. */
export function equal<T>(actual: T, expected: T, message = ''): void {
  if (actual !== expected) {
    throw new AssertionError(`${message} expected ${show(expected)}, got ${show(actual)}`.trim());
  }
}

/** Fails unless both have the same JSON form (plain data: payloads, logs). */
export function deepEqual(actual: unknown, expected: unknown, message = ''): void {
  equal(JSON.stringify(actual), JSON.stringify(expected), message);
}

/** Fails unless `value` is truthy. */
export function ok(value: unknown, message = 'expected a truthy value'): void {
  if (!value) throw new AssertionError(message);
}

/** Fails unless `fn` throws an instance of `type` whose message contains `text`. */
export function throws(fn: () => unknown, type: new (...args: never[]) => Error, text = ''): void {
  try {
    fn();
  } catch (error) {
    ok(error instanceof type, `expected a ${type.name}, got ${show(error)}`);
    ok((error as Error).message.includes(text), `expected "${text}" in "${(error as Error).message}"`);
    return;
  }
  throw new AssertionError(`expected a ${type.name}, nothing was thrown`);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

let counter = 0;

/** A name no other test uses: channels, topics and custom elements. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Resolves after `ms` milliseconds. */
export function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
