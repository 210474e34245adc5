// Records the real ZooKeeper 3.8 ensemble's answers to generated op sequences, as JSON, so zabsim
// can be compared offline.
//
//   npx tsx test/conformance/record.ts --sequences 200 --ops 30 --seed 1 --out recording.json
//   npx tsx test/conformance/record.ts --plans --sequences 100 --ops 40 --seed 2 --out plans.json
//
// Sequences come from fc.sample(opSequenceArb(ops), { seed, numRuns: sequences }), so the same
// seed always gives the same ops. Sequence i runs under root /t<i>, with both sessions on server
// (i mod 3) + 1, following the replay protocol documented in types.ts. With --plans they come from
// samplePlans (the grown suite's: pipelined batches, spread slots placed as SPREADS[i mod 3], the
// super user, whose digest the ensemble is given).

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEnsemble } from './ensemble.js';
import { samplePlans, sampleSequences, SUPER_DIGEST, type SequencePlan } from './ops.js';
import { runSequence, SESSION_TIMEOUT_MS } from './real-runner.js';
import { SPREADS, type RecordedSequence, type RecordingFile } from './types.js';

function intArg(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sequences: { type: 'string' },
      ops: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      plans: { type: 'boolean' },
    },
  });
  const sequences = intArg(values.sequences, 'sequences', 200);
  const opsPer = intArg(values.ops, 'ops', 30);
  const seed = intArg(values.seed, 'seed', 1);
  const out = values.out ?? `conformance-seed${seed}-${sequences}x${opsPer}.json`;

  const startedAt = new Date();
  const t0 = Date.now();
  const grown = values.plans === true;
  const plans: SequencePlan[] = grown ? samplePlans(seed, sequences, opsPer) : sampleSequences(seed, sequences, opsPer).map((ops) => ({ ops, spread: false }));
  const ensemble = await startEnsemble(grown ? { extraConfig: [`DigestAuthenticationProvider.superDigest=${SUPER_DIGEST}`] } : {});
  const tUp = Date.now();
  console.log(`ensemble up in ${tUp - t0} ms (${ensemble.connectString}, leader ${await ensemble.leaderId()})`);
  const version = await ensemble.version();
  const recorded: RecordedSequence[] = [];
  try {
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i];
      if (plan === undefined) continue;
      const slotRoles = plan.spread ? SPREADS[i % SPREADS.length] : undefined;
      const rec = await runSequence(ensemble, plan.ops, { root: `/t${i}`, server: (i % 3) + 1, index: i, ...(slotRoles === undefined ? {} : { slotRoles }) });
      recorded.push(rec);
      if (values.quiet !== true && (i + 1) % 20 === 0) {
        console.log(`  ${i + 1}/${plans.length} sequences, ${Date.now() - tUp} ms`);
      }
    }
  } finally {
    await ensemble.stop();
  }
  const durationMs = Date.now() - t0;
  const file: RecordingFile = {
    meta: {
      zookeeper: version,
      seed,
      sequences,
      opsPerSequence: opsPer,
      tickTime: ensemble.tickTime,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      startedAt: startedAt.toISOString(),
      durationMs,
      ...(grown ? { superDigest: SUPER_DIGEST } : {}),
    },
    sequences: recorded,
  };
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  const failures = recorded.reduce((n, s) => n + s.results.filter((r) => !r.result.ok).length, 0);
  const events = recorded.reduce((n, s) => n + s.results.reduce((m, r) => m + r.events[0].length + r.events[1].length, 0), 0);
  console.log(
    `recorded ${recorded.length} sequences x ${opsPer} ops in ${durationMs} ms ` +
      `(startup ${tUp - t0} ms); ${failures} error results, ${events} watch events -> ${out}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
