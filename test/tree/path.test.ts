// Path validation matches PathUtils.validatePath case by case, including its quirks ("..." and
// "a.." are names, only whole "." and ".." components are refused).
import { expect, test } from 'vitest';
import { isValidClientPath, isValidPath, pathProblem } from '../../protocol/tree/path.js';

test.each([
  ['/', true],
  ['/a', true],
  ['/a/b.c/...', true],
  ['/a..', true],
  ['/..a', true],
  ['/.a', true],
  ['/a b/ü/日本', true],
  ['/\u{1F600}', false], // surrogates are in the refused range \ud800-\uf8ff
  ['', false],
  ['a', false],
  ['/a/', false],
  ['//a', false],
  ['/a//b', false],
  ['/.', false],
  ['/a/./b', false],
  ['/..', false],
  ['/a/..', false],
  ['/a\0', false],
  ['/a\u0001', false],
  ['/a\u007f', false],
  ['/a\u009f', false],
  ['/a\ue000', false],
  ['/a\ufff5', false],
  ['/a\u00a0', true],
])('%j valid: %s', (path, valid) => {
  expect(isValidPath(path)).toBe(valid);
  expect(pathProblem(path) === null).toBe(valid);
});

test('the client validates a sequential path with a digit appended', () => {
  expect(isValidClientPath('/a/', true)).toBe(true);
  expect(isValidClientPath('/a/', false)).toBe(false);
});
