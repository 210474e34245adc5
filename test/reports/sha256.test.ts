// Proves that the studio page's SHA-256 (reports/studio/shims/sha256.ts) gives node:crypto's digest
// for any text fed in any chunks, with copies taken midway, so browser trace hashes equal Node's.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Sha256 } from '../../reports/studio/shims/sha256.js';

test('known digests, including the padding edges at 55, 56 and 64 bytes', () => {
  for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), '脑裂 ✓ split-brain']) {
    expect(new Sha256().update(text).digest('hex'), `${text.length} chars`).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  }
});

test('any text, in any chunks, with a copy taken after each chunk', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 150 }), { maxLength: 12 }), (chunks) => {
      const ours = new Sha256();
      const theirs = createHash('sha256');
      for (const chunk of chunks) {
        ours.update(chunk);
        theirs.update(chunk, 'utf8');
        expect(ours.copy().digest('hex')).toBe(theirs.copy().digest('hex'));
      }
      expect(ours.digest('hex')).toBe(theirs.digest('hex'));
    }),
    { numRuns: 300 },
  );
});
