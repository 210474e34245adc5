// Proves the scenario verbs the bug-zoo stories rely on: `check liveness` names the class of a
// cluster that has not recovered (down, no-leader, stuck-sync) and fails a wrong expectation;
// `run ... head=N` keeps N facts and counts the rest; a disk a server refuses to boot from stops the
// run like an assertion; `zabsim run` exits 1 for a safety violation, 3 for a liveness one; each
// bug-zoo scenario shows its violation only with its mutant switched on; and each narrated finding
// shows its violation with no mutant at all (it is a bug of unmutated ZooKeeper master).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runZabScript, scenarioExitCode, type ScriptResult } from '../../sim/script/script.js';

/** Runs stanzas (commands without outputs) and returns the result; `out(i)` is stanza i's output. */
function run(commands: readonly string[]): ScriptResult & { out: (i: number) => readonly string[] } {
  const result = runZabScript(commands.join('\n\n') + '\n');
  return { ...result, out: (i: number) => result.steps[i]?.output ?? [] };
}

const UP = ['cluster voters=3 seed=7', 'run until=all-broadcast'];

describe('check liveness', () => {
  test('a recovered ensemble is ok, and the verdict joins the run verdicts', () => {
    const r = run([...UP, 'check liveness expect=ok']);
    expect(r.errors).toEqual([]);
    expect(r.out(2)).toEqual(['liveness: ok: leader 3 in epoch 1; {1,2,3} hold the same 0 committed txns']);
    expect(r.verdicts['liveness']).toBe('ok');
  });

  test('a server cut off from the leader is stuck-sync; a crashed core server is down', () => {
    const r = run([...UP, 'partition {1} {2 3}', 'run ms=15000', 'check liveness expect=stuck-sync', 'crash 1', 'check liveness core=1,2,3 expect=down', 'check liveness expect=ok']);
    expect(r.errors).toEqual([]);
    expect(r.out(4)[0]).toMatch(/^liveness: violated: stuck-sync: 1 is LOOKING\/ELECTION, not in broadcast under leader 3$/);
    expect(r.out(6)).toEqual(['liveness: violated: down: core servers down: 1']);
    // Without core=, only the running servers are judged: 2 and 3 are fine.
    expect(r.out(7)[0]).toMatch(/^liveness: ok: leader 3 /);
  });

  test('no active leader is no-leader, and a wrong expectation fails the scenario', () => {
    const r = run(['cluster voters=3 seed=7', 'check liveness expect=ok']);
    expect(r.out(1)[0]).toBe('liveness: violated: no-leader: 0 active leaders in {1,2,3} (1:LOOKING/ELECTION 2:LOOKING/ELECTION 3:LOOKING/ELECTION)');
    expect(r.out(1)[1]).toBe('EXPECTATION FAILED: expected liveness ok');
    expect(r.errors).toEqual(['line 3: liveness expected ok but got no-leader']);
    expect(r.verdicts['liveness']).toBe('violated');
  });

  test('an unknown class is a command error naming the classes', () => {
    const r = run([...UP, 'check liveness expect=slow']);
    expect(r.commandErrors).toBe(1);
    expect(r.out(2)[0]).toBe("error: unknown liveness class 'slow': expected ok or one of down, no-leader, stuck-sync, diverged");
  });
});

describe('run head=N', () => {
  test('keeps the first N facts and counts the others', () => {
    const full = run(['cluster voters=3 seed=7', 'run until=all-broadcast']).out(1);
    const clipped = run(['cluster voters=3 seed=7', 'run until=all-broadcast head=2']).out(1);
    expect(full.length).toBeGreaterThan(4);
    expect(clipped).toEqual([full[0], full[1], `... ${full.length - 3} more lines`, 'reached all-broadcast']);
  });
});

describe('restart from a disk the server refuses', () => {
  test('acceptedEpoch < currentEpoch stops the run as an assertion', () => {
    const r = run(['cluster voters=3 seed=1 mutant=no-persist-accepted-epoch', 'run until=all-broadcast', 'crash 1', 'restart 1', 'run ms=10']);
    expect(r.out(2)).toEqual(['1 crashed: disk accepted=0 current=1 last=0:0 txns=0']);
    expect(r.out(3)).toEqual(['1 refused to boot: server 1: acceptedEpoch 0 < currentEpoch 1', 'stopped: assertion on server 1: server 1: acceptedEpoch 0 < currentEpoch 1']);
    expect(r.verdicts['single-server-assertions']).toBe('violated');
    expect(r.out(4)[0]).toMatch(/^error: the cluster stopped earlier: assertion on server 1/);
  });
});

describe('zabsim run exit codes for a scenario', () => {
  const base = { text: '', expectations: 1, steps: [], errors: [], commandErrors: 0 };
  test.each([
    ['all held, nothing violated', { verdicts: { leadership: 'ok', liveness: 'ok' } }, 0],
    ['an expected safety violation', { verdicts: { leadership: 'violated' } }, 1],
    ['an expected liveness failure', { verdicts: { leadership: 'ok', liveness: 'violated' } }, 3],
    ['safety comes before liveness', { verdicts: { leadership: 'violated', liveness: 'violated' } }, 1],
    ['a failed expectation', { verdicts: { liveness: 'violated' }, errors: ['line 3: x'] }, 1],
    ['a command error', { verdicts: {}, errors: ['line 3: x'], commandErrors: 1 }, 2],
  ] as const)('%s', (_name, patch, code) => {
    expect(scenarioExitCode({ ...base, ...patch } as ScriptResult)).toBe(code);
  });
});

describe('the bug scenarios need their mutant', () => {
  // Each scenarios/bugs file that switches a mutant on shows a violation only because of it: the
  // same commands without the mutant leave every checker (and the liveness verdict) ok.
  const dir = 'scenarios/bugs';
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt') && / mutant=/.test(readFileSync(join(dir, f), 'utf8')));
  test('there is one per bug-zoo mutant told by name', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  test.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const withMutant = runZabScript(text);
    const without = runZabScript(text.replace(/ mutant=[A-Za-z0-9,-]+/, ''));
    const violated = (r: ScriptResult): string[] => Object.entries(r.verdicts).filter(([, v]) => v === 'violated').map(([k]) => k);
    expect(violated(withMutant).length).toBeGreaterThan(0);
    expect(violated(without)).toEqual([]);
    expect(without.commandErrors).toBe(0);
  });
});

describe('the findings need no mutant', () => {
  // A scenarios/findings story reports behaviour of unmutated master: it switches no mutant on, its
  // expectations hold, and it still ends with a safety violation (so `zabsim run` exits 1), or, for
  // a finding tagged liveness, with the liveness verdict violated (exit 3).
  const dir = 'scenarios/findings';
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  test('there is at least one narrated finding', () => {
    expect(files.length).toBeGreaterThanOrEqual(1);
  });
  test.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/ mutant=/);
    const result = runZabScript(text);
    expect(result.errors).toEqual([]);
    expect(result.commandErrors).toBe(0);
    const liveness = /^# tags:.*\bliveness\b/m.test(text);
    expect(Object.entries(result.verdicts).filter(([, v]) => v === 'violated').length).toBeGreaterThan(0);
    expect(scenarioExitCode(result)).toBe(liveness ? 3 : 1);
  });
});
