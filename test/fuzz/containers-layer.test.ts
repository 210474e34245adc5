// Proves the swarm's container and TTL layer (sim/fuzz/containers.ts): 15% of the standard
// service seeds draw it, with ContainerManager settings ZooKeeper accepts, recorded in the run's
// options; no kv seed and no other service seed is touched; a drawn case runs clean with the
// leader's deletes judged by container-deletes and reached by the container-deleted and ttl-expired
// probes; and a capsule with malformed settings is refused with one line naming the place.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, runOptionsOf, type FuzzCase } from '../../sim/fuzz/case.js';
import { readCapsule, writeCapsule } from '../../sim/fuzz/capsule.js';
import { InputError } from '../../sim/cli/errors.js';

const LAYER_PATH = /^\/(c[01]|u[01]|t[01]|ts-)(\/|$)/;

function layerPaths(c: FuzzCase): string[] {
  return c.ops.flatMap((w) => (w.op.type === 'zk' && 'path' in w.op.command && LAYER_PATH.test(w.op.command.path) ? [w.op.command.path] : []));
}

describe('the swarm draws container and TTL nodes', () => {
  const cases = Array.from({ length: 400 }, (_, n) => caseForSeed('standard', n));
  const service = cases.filter((c) => c.service !== undefined);
  const drawn = service.filter((c) => c.containers !== undefined);

  test('in about one service seed in seven, never in a kv seed, with settings ZooKeeper takes', () => {
    expect(drawn.length).toBeGreaterThan(service.length * 0.07);
    expect(drawn.length).toBeLessThan(service.length * 0.25);
    for (const c of cases.filter((x) => x.service === undefined)) expect(c.containers).toBeUndefined();
    for (const c of drawn) {
      const s = c.containers as NonNullable<FuzzCase['containers']>;
      expect(s.checkIntervalMs).toBeGreaterThanOrEqual(200);
      expect(s.checkIntervalMs).toBeLessThanOrEqual(3_000);
      expect([10_000, 600, 120]).toContain(s.maxPerMinute);
      expect(s.maxNeverUsedIntervalMs).toBeGreaterThanOrEqual(0);
      // The settings reach the servers (and the trace header, which records the options).
      expect(runOptionsOf(c).zab).toMatchObject({
        extendedTypesEnabled: true,
        containerCheckIntervalMs: s.checkIntervalMs,
        containerMaxPerMinute: s.maxPerMinute,
        containerMaxNeverUsedIntervalMs: s.maxNeverUsedIntervalMs,
      });
      expect(layerPaths(c).length).toBeGreaterThan(0);
    }
  });

  test('a case without the layer has none of its paths or settings', () => {
    for (const c of cases.filter((x) => x.containers === undefined)) {
      expect(layerPaths(c)).toEqual([]);
      expect(runOptionsOf(c).zab.extendedTypesEnabled).toBeUndefined();
      expect(runOptionsOf(c).zab.containerCheckIntervalMs).toBeUndefined();
    }
  });

  test('a drawn case runs clean: the leader deletes containers and TTL nodes, judged and probed', () => {
    // Seed 27 (standard): a container emptied and a TTL node expired within the run.
    const c = caseForSeed('standard', 27);
    expect(c.containers).toBeDefined();
    const r = runCase(c, { probes: true });
    expect(r.failure).toBeNull();
    const judged = r.report.recipeChecks.find((x) => x.name === 'container-deletes');
    expect(judged?.verdict).toBe('ok');
    expect(Number(/(\d+) server deletes/.exec(judged?.reason ?? '')?.[1])).toBeGreaterThan(0);
    expect(r.probes).toEqual(expect.arrayContaining(['container-deleted', 'ttl-expired']));
    // The client checkers cannot judge a history with nodes the leader deletes unasked (server-deletes.ts).
    expect(r.unknown).toContain('linearizable-writes');
  });
});

test('a capsule with malformed container settings is refused with one line naming the place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-containers-'));
  const seed = Array.from({ length: 200 }, (_, i) => i).find((i) => caseForSeed('standard', i).containers !== undefined) ?? 0;
  const c = caseForSeed('standard', seed);
  const { path } = writeCapsule(c, 0, dir, 'ct');
  expect(readCapsule(path).case.containers).toEqual(c.containers);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  doc.case.containers.maxPerMinute = 0;
  writeFileSync(path, JSON.stringify(doc));
  expect(() => readCapsule(path)).toThrow(InputError);
  expect(() => readCapsule(path)).toThrow(/\$\.case\.containers\.maxPerMinute/);
});
