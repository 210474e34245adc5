// Proves that a client command without `nowait` waits for its own call: when the command before it
// was a `run until=` that stopped mid-instant, with events of that instant still queued ahead of the
// call, the command still runs until the call completes and prints its outcome (it used to return
// at once, printing nothing, and the reply turned up in a later command).
import { describe, expect, test } from 'vitest';
import { runZabScript } from '../../sim/script/script.js';

describe('a waiting client command', () => {
  test('after a run until= that stopped mid-instant, a read prints its own outcome', () => {
    // The minority side of split-brain: 4 goes LOOKING, and other events of that instant are left.
    const commands = [
      'cluster voters=5 seed=41',
      'run until=all-broadcast',
      'skew 4 factor=3',
      'skew 5 factor=3',
      'partition {4 5} {1 2 3}',
      'read client=c3 key=x via=4',
      'run until=looking=4 max=60000',
      'read client=c3 key=x max=2000',
      'run ms=5000',
    ];
    const result = runZabScript(commands.join('\n\n') + '\n');
    expect(result.errors).toEqual([]);
    const out = (i: number): readonly string[] => result.steps[i]?.output ?? [];
    expect(out(6)).toContain('reached looking=4');
    expect(out(7)).toEqual(['c3 get x: CONNECTIONLOSS (outcome unknown) (server 4)']);
    expect(out(8).filter((line) => line.startsWith('c3 '))).toEqual([]);
  });
});
