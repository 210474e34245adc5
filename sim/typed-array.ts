// Growing the typed-array columns that checkers, recorders and the event heap keep: a copy into a
// new array of the given length (typed arrays cannot grow in place).

export type NumberColumn = Float64Array | Int32Array | Uint8Array;

/** A new array of `length` elements holding `a`'s elements first (the rest zero). */
export function grownTo<T extends NumberColumn>(a: T, length: number): T {
  const b = new (a.constructor as new (length: number) => T)(length);
  b.set(a);
  return b;
}
