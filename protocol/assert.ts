// Assertions for programmer errors only. Situations that faults can cause (a stale epoch, a duplicate
// or reordered message) are never asserted: they are ignored with a `note` effect that says why.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${JSON.stringify(value)}`);
}
