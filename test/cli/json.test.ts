// Proves the located JSON parser agrees with JSON.parse on valid documents and names the line and
// column of the first error in broken ones.
import { expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { JsonSyntaxError, parseJson } from '../../sim/cli/json.js';

test.prop([fc.jsonValue()])('parses what JSON.stringify writes, like JSON.parse', (value) => {
  const text = JSON.stringify(value, null, 1);
  expect(parseJson(text)).toEqual(JSON.parse(text));
});

test('a "__proto__" key is an own property, as with JSON.parse', () => {
  const text = '{"__proto__": {"x": 1}, "a": 2}';
  expect(JSON.stringify(parseJson(text))).toBe(JSON.stringify(JSON.parse(text)));
  expect(Object.getPrototypeOf(parseJson(text))).toBe(Object.prototype);
});

test.each([
  ['{"a": 1,\n "b": [}', 2, 8],
  ['{"a": 1', 1, 8],
  ['[1, 2,]', 1, 7],
  ['{"a": tru}', 1, 7],
  ['{"a": 1} x', 1, 10],
])('%j fails at line %i column %i', (text, line, column) => {
  try {
    parseJson(text);
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect([(error as JsonSyntaxError).line, (error as JsonSyntaxError).column]).toEqual([line, column]);
  }
});
