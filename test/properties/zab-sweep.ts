// Shared body of the Zab property sweeps: run a seed range and list every seed whose run broke an
// invariant or missed liveness, with the first violation, so a failure names its replay command.
import { runZab } from '../../sim/zab/run.js';
import { propertyRunOptions } from '../../sim/zab/property.js';

export interface SweepResult {
  readonly failures: readonly string[];
  readonly committed: number;
  readonly leaderChanges: number;
}

export function sweep(prefix: string, from: number, to: number, servers: number, observersFor: (i: number) => number): SweepResult {
  const failures: string[] = [];
  let committed = 0;
  let leaderChanges = 0;
  for (let i = from; i < to; i++) {
    const seed = `${prefix}${i}`;
    const observers = observersFor(i);
    const report = runZab(propertyRunOptions(seed, servers, observers));
    committed += report.stats.committed;
    leaderChanges += report.stats.leaderChanges;
    if (report.exitCode !== 0) {
      const v = report.violations[0];
      const c = report.clientChecks.find((r) => r.verdict === 'violated');
      const why =
        v !== undefined ? `${v.checker}: ${v.message}` : c !== undefined ? `${c.name}: ${c.witness?.reason ?? ''}` : `liveness: ${report.liveness.reason}`;
      failures.push(
        `seed ${seed} (servers ${servers}, observers ${observers}): exit ${report.exitCode}, ${why} — replay: zabsim run property --seed ${seed} --servers ${servers} --observers ${observers}`,
      );
    }
  }
  return { failures, committed, leaderChanges };
}
