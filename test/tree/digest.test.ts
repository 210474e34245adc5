// Our hand-written SHA-1, base64 and UTF-8 encoder (protocol/ may not import node:crypto) agree
// byte for byte with Node's implementations on generated inputs.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { base64Encode, sha1, utf8Encode, utf8Length } from '../../protocol/tree/digest.js';

test('known SHA-1 vectors', () => {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  expect(hex(sha1(utf8Encode('')))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  expect(hex(sha1(utf8Encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  expect(hex(sha1(utf8Encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
});

test.prop([fc.uint8Array({ maxLength: 300 })])('sha1 and base64 match node:crypto and Buffer', (bytes) => {
  expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
  expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
});

test.prop([fc.string({ unit: 'binary', maxLength: 80 })])('UTF-8 matches Buffer for well-formed strings', (text) => {
  const expected = Buffer.from(text, 'utf8');
  expect(Buffer.from(utf8Encode(text)).equals(expected)).toBe(true);
  expect(utf8Length(text)).toBe(expected.length);
});

test('lone surrogates become "?" as in Java (Node writes U+FFFD instead)', () => {
  expect(Array.from(utf8Encode('a\ud800b'))).toEqual([0x61, 0x3f, 0x62]);
  expect(utf8Length('a\udc00')).toBe(2);
});
