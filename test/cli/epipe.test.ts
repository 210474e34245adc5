// Proves that a reader closing the pipe early (`zabsim scenarios | head -1`) costs zabsim nothing:
// no stack trace on stderr, and the command still exits with its own code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const cli = fileURLToPath(new URL('../../sim/cli/zabsim.mjs', import.meta.url));

test('a closed stdout pipe ends the output quietly and keeps the exit code', () => {
  // `true` exits without reading, so every write of the listing meets a closed pipe.
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" scenarios | true; echo "exit=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  expect(r.stdout.trim()).toBe('exit=0');
  expect(r.stderr).toBe('');
}, 60_000);
