// Proves the standard swarm's search space matches the property sweeps' shapes: even ensembles and
// observers in a fair share of seeds, operation counts drawn over the whole range, write bursts just
// before timed faults, and proposals outstanding when a leader loses leadership in a fair share of runs.
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { PROFILES, runCase } from '../../sim/fuzz/case.js';
import { TRACE_VERSION, type TraceSink } from '../../sim/trace/sink.js';

const SEEDS = 300;
const cases = Array.from({ length: SEEDS }, (_, n) => caseForSeed('standard', n));

test('every cluster size of the profile is drawn; even ensembles and observers each in over a quarter of the seeds', () => {
  const sizes = new Set(cases.map((c) => c.servers));
  expect([...sizes].sort()).toEqual([...new Set(PROFILES.standard.serverChoices)].sort());
  expect([...sizes]).toEqual(expect.arrayContaining([2, 4, 6]));
  expect(cases.filter((c) => c.servers % 2 === 0).length).toBeGreaterThan(SEEDS / 4);
  expect(cases.filter((c) => c.observers > 0).length).toBeGreaterThan(SEEDS / 4);
  expect(cases.some((c) => c.observers === 2)).toBe(true);
});

test('a case is the same whether or not a mutant is planted: every case keeps triggered faults and crashes on', () => {
  // A mutation run judges each mutant by a sweep that does not know it, so the swarm must draw for
  // the unmutated protocol the cases a zoo sweep (--mutant) draws; the bug zoo's seeds were measured on those.
  for (const [n, c] of cases.entries()) expect(caseForSeed('standard', n, ['ZK-3642'])).toEqual({ ...c, mutants: ['ZK-3642'] });
  const protocolPointCrash = (c: (typeof cases)[number]): boolean => c.faults.some((f) => f.type === 'crash' && f.when !== undefined);
  expect(cases.filter(protocolPointCrash).length).toBeGreaterThan(SEEDS / 2);
});

test('operation counts are drawn over the whole range, not only the first few', () => {
  const counts = cases.map((c) => c.ops.length);
  expect(counts.filter((n) => n > 50).length).toBeGreaterThan(SEEDS / 4);
  expect(Math.max(...counts)).toBeGreaterThan(PROFILES.standard.maxOps * 0.9);
});

test('in a share of seeds, every client writes just before each timed fault', () => {
  // A fault shape (shapes.ts; its writes marked t, l or r) is drawn after the write bursts and brings its own writes: its faults
  // get no burst, so the seeds with one are left out here (fault-shapes.test.ts covers them).
  const shaped = (c: (typeof cases)[number]): boolean => c.ops.some((o) => o.op.type === 'set' && /^[tlr]\d+$/.test(String(o.op.value)));
  // Leader churn (leader-churn.ts) is drawn after the bursts too, and its first death and restart are
  // timed faults without one: its cases (the ones with its triggers) are left out of the check below.
  const churned = (c: (typeof cases)[number]): boolean => c.faults.some((f) => f.when?.on === 'leading' || f.when?.on === 'epoch-first-proposal');
  const bursting = cases.filter((c) => !shaped(c) && c.ops.some((o) => o.op.type === 'set' && String(o.op.value).startsWith('p')));
  expect(bursting.length).toBeGreaterThan(SEEDS / 4);
  for (const c of bursting.filter((b) => !churned(b)).slice(0, 20)) {
    // A slow disk (disk-stall.ts: the stall, and the kill and restart of its numbered server) is drawn after the bursts: it gets none.
    const stallFault = (f: (typeof c.faults)[number]): boolean =>
      f.type === 'slow-disk' || ((f.type === 'crash' || f.type === 'restart') && typeof f.target === 'number');
    // A quiet period (quiet.ts) is drawn after the bursts and drops every operation in it, bursts
    // included: a fault with no operation in its burst's 60 ms and none in the 700 ms on one side
    // of it lies in one (a lull lasts 1.5 s or more, so one side of any instant in it has 750 ms).
    const none = (from: number, to: number): boolean => !c.ops.some((o) => o.atMs >= from && o.atMs <= to);
    const inLull = (f: (typeof c.faults)[number]): boolean => none(f.atMs - 60, f.atMs) && (none(f.atMs - 700, f.atMs) || none(f.atMs, f.atMs + 700));
    const timed = c.faults.filter((f) => f.when === undefined && f.atMs > 100 && !stallFault(f) && !inLull(f));
    for (const f of timed) {
      const before = c.ops.filter((o) => o.atMs <= f.atMs && o.atMs >= f.atMs - 60 && String((o.op as { value?: string }).value ?? '').startsWith('p'));
      // A service case adds a session of its own (service-workload.ts), drawn after the bursts: the profile's clients burst.
      expect(new Set(before.map((o) => o.client)).size, `${c.seed} fault at ${f.atMs}`).toBe(c.service === undefined ? c.clients : PROFILES[c.profile].clients);
    }
  }
});

/** Counts leaders that stopped leading (crashed, or left LEADING) with proposals they had not committed. */
class OutstandingAtLeaderLoss implements TraceSink {
  readonly enabled = true;
  readonly version = TRACE_VERSION;
  readonly lines = 0;
  private readonly open = new Map<number, Set<number>>();
  losses = 0;
  hash(): string {
    return '';
  }
  close(): string {
    return '';
  }
  line(r: object): void {
    this.take(r as Record<string, unknown>);
  }
  text(line: string): void {
    if (line.includes('"observe"') || line.includes('"fault"')) this.take(JSON.parse(line) as Record<string, unknown>);
  }
  private take(o: Record<string, unknown>): void {
    const node = o['node'] as number;
    const what = o['what'] as { kind?: string; zxid?: number; role?: string } | undefined;
    if (o['k'] === 'observe' && what?.kind === 'propose') {
      const s = this.open.get(node) ?? new Set<number>();
      s.add(what.zxid as number);
      this.open.set(node, s);
    } else if (o['k'] === 'observe' && what?.kind === 'commit') this.open.get(node)?.delete(what.zxid as number);
    else if ((o['k'] === 'observe' && what?.kind === 'role' && what.role !== 'LEADING') || (o['k'] === 'fault' && o['fault'] === 'crash')) {
      if ((this.open.get(node)?.size ?? 0) > 0) this.losses++;
      this.open.delete(node);
    }
  }
}

test('in over a third of the runs a leader loses leadership with proposals outstanding', () => {
  const sample = cases.slice(0, 60);
  let withOutstanding = 0;
  for (const c of sample) {
    const sink = new OutstandingAtLeaderLoss();
    runCase(c, { sink });
    if (sink.losses > 0) withOutstanding++;
  }
  expect(withOutstanding).toBeGreaterThan(sample.length / 3);
}, 120_000);
