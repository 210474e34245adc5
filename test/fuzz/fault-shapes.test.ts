// Proves the fault shapes of sim/fuzz/shapes.ts do what they say: a shape replaces the random faults
// from its start on and silences the random clients in its quiet window; the standard profile draws
// each shape for a fair share of its seeds (never with a recovery burst, never in quick); and on the
// unmutated protocol they reach their situations (a TRUNC to a server holding a tail, a SNAP to a
// learner that lagged, a TRUNC from a leader restarted with an empty committedLog) without a safety
// violation.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { SHAPE_MARK, withShape, type LagRejoin, type RestartRejoin, type TailRejoin } from '../../sim/fuzz/shapes.js';
import { MemorySink } from '../../sim/trace/sink.js';
import { ZAB_CHECKERS } from '../../sim/zab/checker.js';

const base: FuzzCase = {
  seed: 'shape',
  profile: 'standard',
  servers: 3,
  observers: 0,
  clients: 3,
  mutants: [],
  syncPersistence: 'committedOnlyThenEpochThenAck',
  commitLogCount: 5,
  snapCount: 10,
  faults: [
    { atMs: 400, type: 'crash', target: 'any' },
    { atMs: 900, when: { on: 'sync-start' }, type: 'pause', target: 'trigger' },
    { atMs: 5_000, type: 'partition', mode: 'halves' },
  ],
  ops: [500, 3_000, 6_000, 11_000].map((atMs) => ({ atMs, client: 0, op: { type: 'set' as const, key: 'k0', value: String(atMs) } })),
  core: [1, 2],
  faultsUntilMs: 12_000,
  durationMs: 30_000,
};

const w = (at: number) => ({ at, client: 1, key: 2, value: 7 });

const tail: TailRejoin = {
  kind: 'tail-rejoin',
  startMs: 2_000,
  settleMs: 800,
  settledWrites: [w(0)],
  isolateMs: 300,
  tailWrites: [w(0), w(999)],
  downMs: 100,
  cutAtSync: true,
  keepUnsynced: true,
  cutDownMs: 1_000,
  quietMs: 4_000,
  afterWrites: [w(0)],
  afterMs: 1_000,
};

const isShaped = (c: FuzzCase, kind: keyof typeof SHAPE_MARK): boolean =>
  c.ops.some((o) => o.op.type === 'set' && new RegExp(`^${SHAPE_MARK[kind]}\\d+$`).test(String(o.op.value)));
const hasBurst = (c: FuzzCase): boolean => c.faults.some((f) => f.type === 'restart' && f.target === 'longest-down');

test('a shape keeps the random timed faults before its start, drops the rest, and silences random writes in its quiet window', () => {
  const c = withShape(base, tail);
  expect(c.faults.filter((f) => f.atMs < tail.startMs)).toEqual([base.faults[0]]);
  expect(c.faults.some((f) => f.type === 'partition' && f.mode === 'halves')).toBe(false);
  expect(c.faults).toContainEqual({ atMs: 2_800, type: 'partition', mode: 'isolate', target: 'leader' });
  expect(c.faults).toContainEqual({ atMs: 3_100, type: 'crash', target: 'leader' });
  expect(c.faults).toContainEqual({ atMs: 3_200, when: { on: 'sync-start' }, type: 'crash', target: 'leader', keepUnsynced: true });
  // Quiet from the crash (3,100) to 4 s after the restart (7,200): the random writes at 500, 3,000
  // and 11,000 stay, the one at 6,000 goes; the shape's own writes are all there.
  const random = c.ops.filter((o) => /^\d+$/.test(String((o.op as { value: string }).value)));
  expect(random.map((o) => o.atMs)).toEqual([500, 3_000, 11_000]);
  expect(c.ops.filter((o) => String((o.op as { value: string }).value) === 't7')).toHaveLength(4);
  expect(withShape(base, null)).toBe(base);
});

test('the lag shape lags past the committedLog and the log rolls, and its burst lasts as long as the leader stalls', () => {
  const lag: LagRejoin = {
    kind: 'lag-rejoin',
    startMs: 1_000,
    settleMs: 600,
    settledWrites: [w(0)],
    lagMs: 1_000,
    lagWrites: [w(0)],
    burstLeadMs: 10,
    burstMs: 300,
    burstWrites: [w(0), w(999)],
    stallMs: 40,
    afterSyncMs: 100,
    cut: 'crash',
    downMs: 200,
    afterWrites: [w(0)],
    afterMs: 1_000,
  };
  const c = withShape(base, lag);
  const restartAt = 1_000 + 600 + 1_000;
  expect(c.faults).toContainEqual({ atMs: restartAt, when: { on: 'sync-start', delayMs: 40 }, type: 'resume', target: 'all-paused' });
  expect(c.faults).toContainEqual({ atMs: restartAt, when: { on: 'newleader-acked', catchUp: true, delayMs: 100 }, type: 'crash', target: 'trigger' });
  expect(c.faults).toContainEqual({ atMs: restartAt, when: { on: 'newleader-acked', catchUp: true, delayMs: 300 }, type: 'restart', target: 'trigger' });
  const burst = c.ops.filter((o) => o.atMs >= restartAt - 10 && o.atMs < restartAt + 100 && String((o.op as { value: string }).value) === 'l7');
  expect(burst.map((o) => o.atMs)).toEqual([restartAt - 10, restartAt + 39]);
  // Drawn lags: past commitLogCount 5 and snapCount 10, so at least 18 writes while the follower is down.
  // Leader churn (leader-churn.ts, drawn after the shapes) adds a timed restart of its own, which the
  // search for the shape's restart below would take for it: such cases are left out.
  const churned = (x: FuzzCase): boolean => x.faults.some((f) => f.when?.on === 'leading' || f.when?.on === 'epoch-first-proposal');
  const drawn = Array.from({ length: 400 }, (_, n) => caseForSeed('standard', n)).filter((x) => isShaped(x, 'lag-rejoin') && x.commitLogCount <= 50 && !churned(x));
  expect(drawn.length).toBeGreaterThan(5);
  for (const x of drawn) {
    const crash = x.faults.find((f) => f.type === 'crash' && f.target === 'follower' && f.when === undefined && f.atMs > 0) as { atMs: number };
    const restart = x.faults.find((f) => f.type === 'restart' && f.atMs > crash.atMs && f.when === undefined) as { atMs: number };
    const lagging = x.ops.filter((o) => o.atMs > crash.atMs && o.atMs < restart.atMs && /^l/.test(String((o.op as { value: string }).value)));
    expect(lagging.length, x.seed).toBeGreaterThanOrEqual(Math.max(x.commitLogCount, (x.snapCount ?? 0) <= 40 ? (x.snapCount ?? 0) : 0) + 8);
  }
});

test('the restart-rejoin shape kills and restarts the leader round by round, heals as the last round begins, and restarts the learner a SNAP brought back', () => {
  const shape: RestartRejoin = {
    kind: 'restart-rejoin',
    startMs: 1_000,
    settleMs: 600,
    settledWrites: [w(0)],
    isolateMs: 500,
    tailWrites: [w(0), w(999)],
    electMs: 3_500,
    rounds: [
      { downMs: 100, roundMs: 1_000 },
      { downMs: 200, roundMs: 900 },
    ],
    afterSyncMs: 300,
    downMs: 400,
    afterWrites: [w(0)],
    afterMs: 1_000,
  };
  const c = withShape(base, shape);
  const cut = 1_000 + 600;
  const first = cut + 3_500;
  const last = first + 100 + 1_000;
  expect(c.faults).toContainEqual({ atMs: cut, type: 'partition', mode: 'isolate', target: 'leader' });
  for (const [at, down] of [
    [first, 100],
    [last, 200],
  ] as const) {
    expect(c.faults).toContainEqual({ atMs: at, type: 'crash', target: 'leader', keepUnsynced: true });
    expect(c.faults).toContainEqual({ atMs: at + down, type: 'restart', target: 'all-down' });
  }
  // The cut stays until the last round: no heal between the isolation and it.
  expect(c.faults.filter((f) => f.type === 'heal' && f.atMs > cut).map((f) => f.atMs)).toEqual([last]);
  expect(c.faults).toContainEqual({ atMs: last, when: { on: 'newleader-acked', catchUp: true, delayMs: 300 }, type: 'crash', target: 'trigger' });
  expect(c.faults).toContainEqual({ atMs: last, when: { on: 'newleader-acked', catchUp: true, delayMs: 700 }, type: 'restart', target: 'trigger' });
  // Quiet from the end of the tail writes (2,100) to 300 ms after the last restart (6,700): the
  // random writes at 3,000 and 6,000 go, those at 500 and 11,000 stay; the shape's last writes
  // start where the quiet ends.
  const random = c.ops.filter((o) => /^\d+$/.test(String((o.op as { value: string }).value))).map((o) => o.atMs);
  expect(random).toEqual([500, 11_000]);
  const after = c.ops.filter((o) => String((o.op as { value: string }).value) === 'r7' && o.atMs >= 6_700);
  expect(after.map((o) => o.atMs)).toEqual([6_700]);
});

const KINDS = ['tail-rejoin', 'lag-rejoin', 'restart-rejoin'] as const;

test('the standard profile draws each shape for a fair share of its seeds, never with a burst; quick draws none', () => {
  const cases = Array.from({ length: 600 }, (_, n) => caseForSeed('standard', n));
  for (const kind of KINDS) {
    const n = cases.filter((c) => isShaped(c, kind)).length;
    // 15% each of the four fifths without a burst: about 72 of 600.
    expect(n, kind).toBeGreaterThan(45);
    expect(n, kind).toBeLessThan(100);
  }
  expect(cases.filter((c) => hasBurst(c) && KINDS.some((k) => isShaped(c, k)))).toEqual([]);
  expect(Array.from({ length: 100 }, (_, n) => caseForSeed('quick', n)).filter((c) => KINDS.some((k) => isShaped(c, k)))).toEqual([]);
});

/** The first `count` standard seeds with the shape: how many of their runs showed `sync` after the shape began, and no Zab violation on any. */
function reach(kind: 'tail-rejoin' | 'lag-rejoin', count: number, sync: RegExp): number {
  let runs = 0;
  let reached = 0;
  for (let n = 0; runs < count; n++) {
    const c = caseForSeed('standard', n);
    if (!isShaped(c, kind)) continue;
    runs++;
    const sink = new MemorySink();
    const r = runCase(c, { sink });
    expect(
      ZAB_CHECKERS.filter((k) => r.report.verdicts[k] === 'violated'),
      `seed ${n}`,
    ).toEqual([]);
    // Only what happens once the shape has begun (its first write, in its settling time).
    const fromUs = Math.min(...c.ops.filter((o) => String((o.op as { value: string }).value).startsWith(SHAPE_MARK[kind])).map((o) => o.atMs)) * 1000;
    if (sink.records.some((line) => sync.test(line) && Number(/"t":(\d+)/.exec(line)?.[1]) >= fromUs)) reached++;
  }
  return reached;
}

test('tail-rejoin brings a server back to a leader that lacks its tail: it is sent a TRUNC, and the protocol stays safe', () => {
  expect(reach('tail-rejoin', 12, /"kind":"sync","mode":"TRUNC"/)).toBeGreaterThan(0);
}, 120_000);

test('lag-rejoin brings a learner back past the leader committedLog: it is sent a SNAP, and the protocol stays safe', () => {
  expect(reach('lag-rejoin', 12, /"kind":"sync","mode":"SNAP"/)).toBeGreaterThan(0);
}, 120_000);

test('restart-rejoin brings a server with a tail back to a leader restarted with an empty committedLog: it is cut back by TRUNC, and the protocol stays safe', () => {
  // Standard seed 161 drew the shape (the 22nd of seeds 0..199 to draw it; the only one of them to
  // reach this, measured once), before every case kept the trigger and crash families on (issue 16)
  // changed its draw: its case is kept in cases/standard-161.json. An empty committedLog shows as a
  // window of one zxid, the leader's last.
  const c = JSON.parse(readFileSync(new URL('./cases/standard-161.json', import.meta.url), 'utf8')) as FuzzCase;
  expect(isShaped(c, 'restart-rejoin')).toBe(true);
  const sink = new MemorySink();
  const r = runCase(c, { sink });
  expect(ZAB_CHECKERS.filter((k) => r.report.verdicts[k] === 'violated')).toEqual([]);
  const emptyWindowTrunc = /sync \d+: TRUNC (\d+:\d+) \(peer at [^,]+, committed window \1\.\.\1\)/;
  expect(sink.records.some((line) => emptyWindowTrunc.test(line))).toBe(true);
}, 120_000);
