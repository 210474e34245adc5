// Proves the deepFreeze helper the reducer tests rely on: nested objects, arrays and persistent
// vectors are frozen, so any in-place mutation by a reducer throws in strict mode.
import { describe, expect, test } from 'vitest';
import { deepFreeze, isDeepFrozen } from '../support/deep-freeze.js';
import { boot, config, disk, z } from './harness.js';

describe('deepFreeze', () => {
  test('freezes nested objects and arrays; mutation throws', () => {
    const v = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(isDeepFrozen(v)).toBe(true);
    expect(() => {
      (v.a.b as number[]).push(3);
    }).toThrow(TypeError);
  });

  test('a booted server (config, log pvec, FLE state) is deep-frozen by the harness', () => {
    const s = boot(1, config(), disk([z(1, 1), z(1, 2)], { current: 1 }));
    deepFreeze(s);
    expect(isDeepFrozen(s)).toBe(true);
  });

  test('handles cycles', () => {
    const a: { self?: unknown } = {};
    a.self = a;
    expect(isDeepFrozen(deepFreeze(a))).toBe(true);
  });
});
