// check expect=leadership,integrity
// check liveness expect=stuck-sync core=1,2,3
//
// The checkers' verdicts so far, and whether the ensemble has recovered now.
import { judgeRecovery, LIVENESS_CLASSES } from '../../checkers/recovery.js';
import { ZAB_CHECKERS, type ZabChecker } from '../../zab/checker.js';
import { listArg } from '../args.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

/**
 * `check [expect=ok | expect=checker,checker]`: the invariant checkers' verdicts so far, violated
 * ones first with their first message. With `expect`, exactly the named checkers (none for `ok`)
 * must be violated, or the scenario fails.
 */
export function check(env: ScriptEnv, cmd: Command): string[] {
  if (cmd.words[0] === 'liveness') return checkLiveness(env, cmd);
  const checker = env.checker as ZabChecker;
  const verdicts = checker.verdicts();
  const violated = ZAB_CHECKERS.filter((c) => verdicts[c] === 'violated');
  const ok = ZAB_CHECKERS.filter((c) => verdicts[c] !== 'violated');
  const lines: string[] = [];
  for (const c of violated) {
    const v = checker.violations.find((x) => x.checker === c);
    lines.push(`${c}: violated: ${v?.message ?? ''}`);
  }
  lines.push(ok.length === ZAB_CHECKERS.length ? `ok: all ${ok.length} checkers` : `ok: ${ok.join(' ')}`);
  const expect = cmd.args.get('expect');
  if (expect !== undefined) {
    env.expectations++;
    const want = expect === 'ok' ? [] : expect.split(',').sort();
    for (const w of want) if (!(ZAB_CHECKERS as readonly string[]).includes(w)) throw new Error(`unknown checker '${w}'`);
    const got = [...violated].sort();
    if (want.join(',') !== got.join(',')) {
      env.errors.push(`check expected violated {${want.join(',')}} but got {${got.join(',')}}`);
      lines.push(`EXPECTATION FAILED: expected violated {${want.join(',')}}`);
    }
  }
  return lines;
}

/**
 * `check liveness [expect=ok|CLASS] [core=1,2,3]`: has the ensemble recovered, now? The core
 * (default: every running server) must have one active leader that all the others follow in
 * BROADCAST with the same committed count (sim/checkers/recovery.ts). Otherwise the verdict names the class:
 * down, no-leader, stuck-sync or diverged. With `expect`, that class (or ok) must be the verdict.
 * The last liveness check is the run's `liveness` verdict (`zabsim run` exits 3 when violated).
 */
function checkLiveness(env: ScriptEnv, cmd: Command): string[] {
  const expect = cmd.args.get('expect');
  if (expect !== undefined && expect !== 'ok' && !(LIVENESS_CLASSES as readonly string[]).includes(expect)) {
    throw new Error(`unknown liveness class '${expect}': expected ok or one of ${LIVENESS_CLASSES.join(', ')}`);
  }
  const core = cmd.args.has('core') ? listArg(cmd, 'core').map((x) => env.serverArg(x)) : env.servers.filter((id) => env.k.isUp(id));
  const verdict = judgeRecovery(core, (id) => (env.k.isUp(id) ? env.server(id) : undefined));
  const text = verdict.ok ? `ok: ${verdict.reason}` : `${verdict.cls}: ${verdict.reason}`;
  env.liveness = { ok: verdict.ok, text };
  const lines = [verdict.ok ? `liveness: ${text}` : `liveness: violated: ${text}`];
  if (expect !== undefined) {
    env.expectations++;
    const got = verdict.ok ? 'ok' : verdict.cls;
    if (got !== expect) {
      env.errors.push(`liveness expected ${expect} but got ${got}`);
      lines.push(`EXPECTATION FAILED: expected liveness ${expect}`);
    }
  }
  return lines;
}
