// Proves that zabsim answers like a live real ZooKeeper 3.8 ensemble on freshly generated op sequences
// (a new seed every run, printed; ZABSIM_CONFORMANCE_SEED replays one): half of them with both sessions
// on one server (leader or follower) and one op at a time, half with the two sessions on different
// servers (leader and follower, or two followers) and pipelined batches (several requests in flight),
// some with more than 16 children under one parent, sync, ip ACLs, the super user and invalid paths
// among the ops. Masked
// results must be identical: paths, error codes, Stat fields with relative zxids, multi results, child
// order and the watch events each session received per op (per batch).
import { describe, expect, it } from 'vitest';
import { useLiveEnsemble } from './live-ensemble.js';
import { INVALID_PATHS, isPipelined, samplePlans, SUPER_DIGEST, SUPER_PASSWORD } from './ops.js';
import { runSequence } from './real-runner.js';
import { runSequenceSim } from './sim-runner.js';
import { mask, sessionLabels, SPREADS } from './types.js';

const SEED = Number(process.env['ZABSIM_CONFORMANCE_SEED'] ?? Date.now() % 1_000_000);
// 500 unless ZABSIM_CONFORMANCE_SEQUENCES asks for fewer (a quick local look); CI runs the 500.
const SEQUENCES = Number(process.env['ZABSIM_CONFORMANCE_SEQUENCES'] ?? 500);
const OPS = 40;

// QuorumPeerConfig.parseProperties makes an unknown zoo.cfg key a system property "zookeeper.<key>".
const ens = useLiveEnsemble({ extraConfig: [`DigestAuthenticationProvider.superDigest=${SUPER_DIGEST}`] });

describe('zabsim against the live ensemble', () => {
  it(`agrees on ${SEQUENCES} generated sequences of ${OPS} ops (seed ${SEED}; ZABSIM_CONFORMANCE_SEED=${SEED} replays them)`, async () => {
    const ensemble = ens();
    const plans = samplePlans(SEED, SEQUENCES, OPS);
    const t0 = Date.now();
    const counts = { sequences: 0, ops: 0, pipelined: 0, spread: 0, both: 0, inFlight: 0, over16: 0, sync: 0, invalidPath: 0, ipAcl: 0, superAuth: 0 };
    for (let i = 0; i < plans.length; i++) {
      const { ops, spread } = plans[i]!;
      const slotRoles = spread ? SPREADS[i % SPREADS.length] : undefined;
      const real = await runSequence(ensemble, ops, { root: `/live${i}`, server: (i % 3) + 1, index: i, ...(slotRoles === undefined ? {} : { slotRoles }) });
      const sim = runSequenceSim(ops, {
        root: real.root,
        serverMode: real.serverMode,
        index: i,
        superDigest: SUPER_DIGEST,
        ...(slotRoles === undefined ? {} : { slotRoles }),
      });
      const expected = mask(real.results, { sessionLabels: sessionLabels(real) });
      const actual = mask(sim.results, { sessionLabels: sessionLabels(sim) });
      expect(actual).toHaveLength(ops.length);
      for (let k = 0; k < expected.length; k++)
        expect({ seq: i, seed: SEED, op: ops[k], ...actual[k] }).toEqual({ seq: i, seed: SEED, op: ops[k], ...expected[k] });
      counts.sequences++;
      counts.ops += expected.length;
      if (isPipelined(ops)) counts.pipelined++;
      if (spread) counts.spread++;
      if (spread && isPipelined(ops)) counts.both++;
      counts.inFlight += ops.filter((o) => o.pipe === true).length;
      if (real.results.some((r) => r.result.ok && r.result.value.kind === 'getChildren' && r.result.value.children.length > 16)) counts.over16++;
      counts.sync += ops.filter((o) => o.kind === 'sync').length;
      counts.invalidPath += ops.filter((o) => 'path' in o && (INVALID_PATHS as readonly string[]).includes(o.path)).length;
      counts.superAuth += ops.filter((o) => o.kind === 'addAuth' && o.auth === SUPER_PASSWORD).length;
      counts.ipAcl += ops.filter((o) => 'acl' in o && o.acl.some((a) => a.scheme === 'ip')).length;
    }
    console.log(
      `conformance summary: seed ${SEED}: ${counts.sequences} sequences of ${OPS} ops agree with zabsim (${counts.ops} ops) in ${Date.now() - t0} ms; ` +
        `${counts.pipelined} pipelined (${counts.inFlight} ops sent before the previous reply), ${counts.spread} spread over two servers, ` +
        `${counts.both} both; ${counts.over16} with a listing of more than 16 children; ${counts.sync} syncs, ${counts.invalidPath} invalid-path ops, ${counts.ipAcl} ip ACLs, ${counts.superAuth} super auths`,
    );
    expect(counts.sequences).toBe(SEQUENCES);
    expect(counts.both).toBeGreaterThanOrEqual(SEQUENCES / 4);
    expect(counts.over16).toBeGreaterThan(0);
  }, 900_000);
});
