// Proves the scenario verb `when proposal-logged ACTION TARGET`: it fires once a follower in
// BROADCAST has logged a txn and before that txn's fsync, so a crash of the trigger server loses the
// txn from its disk; and an unknown trigger word is refused with a message that lists the triggers.
import { describe, expect, test } from 'vitest';
import { runZabScript } from '../../sim/script/script.js';

/** Runs stanzas (commands without outputs); `out(i)` is stanza i's output. */
function run(commands: readonly string[]) {
  const result = runZabScript(commands.join('\n\n') + '\n');
  return { ...result, out: (i: number) => result.steps[i]?.output ?? [] };
}

describe('when proposal-logged', () => {
  test('crashes the follower that logged a txn before its fsync: the txn is not on its disk', () => {
    const r = run(['cluster voters=3 seed=7', 'run until=all-broadcast', 'write client=c1 key=x value=1', 'when proposal-logged crash trigger', 'write client=c2 key=x value=2', 'state']);
    expect(r.errors).toEqual([]);
    expect(r.commandErrors).toBe(0);
    expect(r.out(3)).toEqual(['armed: crash trigger when a follower has logged a txn, before its fsync']);
    const fired = r.out(4).find((l) => l.startsWith('fired '));
    expect(fired).toMatch(/^fired when a follower has logged a txn, before its fsync: crash [12]$/);
    const victim = (fired as string).slice(-1);
    // The follower had logged 1:2 in memory, but its disk ends at 1:1; the other two commit 1:2.
    expect(r.out(5).find((l) => l.startsWith(`${victim} `))).toBe(`${victim} down: disk accepted=1 current=1 last=1:1 txns=1`);
    expect(r.out(4)).toContain('c2 set x=2: ok version=1 zxid=1:2 (server 3)');
  });

  test('fires once: a later logged txn does not fire it again', () => {
    const r = run(['cluster voters=3 seed=7', 'run until=all-broadcast', 'when proposal-logged pause follower', 'write client=c1 key=x value=1', 'write client=c2 key=x value=2']);
    expect(r.errors).toEqual([]);
    expect(r.out(3).filter((l) => l.startsWith('fired '))).toHaveLength(1);
    expect(r.out(4).filter((l) => l.startsWith('fired '))).toHaveLength(0);
  });

  test('an unknown trigger is a command error naming the triggers', () => {
    const r = run(['cluster voters=3 seed=7', 'when proposal-loged crash leader']);
    expect(r.commandErrors).toBe(1);
    expect(r.out(1)).toEqual(['error: expected a trigger: nth-proposal=N, acked=N, sync-start, newleader-acked, epoch-written, proposal-logged or snap-loaded']);
  });
});
