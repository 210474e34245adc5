// Proves a disk stall (the slow-disk fault) delays exactly the fsyncs its server starts inside the
// stall, by the stall's extra time, draws nothing from the disk stream, and outlives a crash; and
// that the swarm's stalls end within the fault phase.
import { describe, expect, test } from 'vitest';
import { Disks, NodeDisk } from '../../sim/kernel/disks.js';
import { DEFAULT_DISK } from '../../sim/options.js';
import { forkRng } from '../../sim/rng.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';

const program = { applyWrite: (image: unknown) => image };

/** Completion times of fsyncs requested at `times` (each after the previous completed), on one disk. */
function plan(times: readonly number[], stall: ((d: Disks) => void) | null, crashAt: number | null = null): number[] {
  const disks = new Disks(DEFAULT_DISK, forkRng('stall-test', 'disk'));
  if (stall !== null) stall(disks);
  const disk = new NodeDisk(null);
  return times.map((t) => {
    if (crashAt !== null && t >= crashAt) disk.crash(program, false);
    return disks.fsyncDoneAt(disk, 2, t);
  });
}

describe('disk stalls', () => {
  test('fsyncs started inside the stall take the extra time; later ones and other nodes do not', () => {
    const times = [0, 100_000, 5_000_000, 20_000_000];
    const calm = plan(times, null);
    const slow = plan(times, (d) => d.stall(2, 6_000_000, 3_000_000));
    expect(slow[0]).toBe((calm[0] as number) + 3_000_000);
    // Requested while the first stalled fsync runs: queued behind it, then stalled itself.
    expect(slow[1]).toBeGreaterThan((slow[0] as number) + 3_000_000);
    expect(slow[3]).toBe(calm[3]);
    const otherNode = plan(times, (d) => d.stall(3, 6_000_000, 3_000_000));
    expect(otherNode).toEqual(calm);
  });

  test('the stall outlives a crash of its server', () => {
    const times = [0, 1_000_000];
    const slow = plan(times, (d) => d.stall(2, 6_000_000, 3_000_000), 1_000_000);
    expect(slow[1]).toBeGreaterThanOrEqual(4_000_000);
  });

  test('every drawn stall of standard seeds 0..199 ends within the fault phase', () => {
    let stalls = 0;
    for (let n = 0; n < 200; n++) {
      const c = caseForSeed('standard', n);
      for (const f of c.faults) {
        if (f.type !== 'slow-disk') continue;
        stalls++;
        expect(f.atMs + f.durationMs).toBeLessThanOrEqual(c.faultsUntilMs);
        expect(f.target).toBeGreaterThanOrEqual(1);
      }
    }
    expect(stalls).toBeGreaterThan(10);
  });
});
