// Deep-freezes a value so a reducer test fails loudly (TypeError in strict mode) if the reducer
// mutates its input instead of returning a new state. Functions (a state machine's methods) and
// already-frozen objects are left as they are; cycles are handled.

export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object') return value;
  const obj = value as unknown as object;
  if (seen.has(obj)) return value;
  seen.add(obj);
  for (const key of Reflect.ownKeys(obj)) {
    const child = (obj as Record<PropertyKey, unknown>)[key];
    if (child !== null && typeof child === 'object') deepFreeze(child, seen);
  }
  Object.freeze(obj);
  return value;
}

/** True when the value and everything it reaches through own properties is frozen. */
export function isDeepFrozen(value: unknown, seen: WeakSet<object> = new WeakSet()): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (seen.has(value)) return true;
  seen.add(value);
  if (!Object.isFrozen(value)) return false;
  return Reflect.ownKeys(value).every((k) => isDeepFrozen((value as Record<PropertyKey, unknown>)[k], seen));
}
