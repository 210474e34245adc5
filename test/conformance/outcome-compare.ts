// Compares what the real ensemble and zabsim showed on the same fault plan (outcome-plan.ts), by kind,
// not by timing: each side's error kinds per client against what the plan forces and allows, and the
// data each side shows after recovery against the writes it acknowledged.
//
// What the data comparison claims, and why it must hold on both sides:
// * A client's node `k<c>` is written by that client only, one request at a time (its next op goes out
//   after the previous one is answered or abandoned). If none of those writes has an unknown outcome
//   ("info"), each took effect exactly when acknowledged ok, in the client's order (ZooKeeper's writes
//   are linearizable and a session's requests are applied in order), so after recovery the node holds
//   the data of the last acknowledged write. With an unknown outcome among them the node is left out.
// * A client's ephemeral node `e<c>` is gone once its session expired (the closeSession txn deletes
//   every ephemeral of the session), and holds its data while the session is alive at the read (its
//   create answered ok). A create with an unknown outcome leaves it out unless the session expired.
// * Across the sides: a node both sides determine from the same last write must read the same; the
//   plan's ops and values are the same on both sides, so only outcomes can make them differ, and those
//   are compared by kind above.
import type { ZkHistory, ZkHistoryOp } from '../../sim/history/types.js';
import { EPHEMERAL_DATA, ephemeralOf, expectations, keyOf, OUTCOME_KINDS, type OutcomeKind, type OutcomePlan } from './outcome-plan.js';

/** One side's run of a plan: its client history (clients numbered as in the plan) and what it read after recovery. */
export type OutcomeRun = {
  readonly side: string;
  readonly history: ZkHistory;
  /** Each workload node's data as a fresh session read it after sync, once the ensemble was whole (null: absent). */
  readonly recovered: Readonly<Record<string, string | null>>;
  /** Per client: its session was connected or known expired when the data was read (not still reconnecting). */
  readonly settled: readonly boolean[];
};

/**
 * The kinds one client saw. CONNECTIONLOSS: a DISCONNECTED event, a request with no reply, or one
 * failed unsent with connectionLoss (zabsim's client, as the Java one, fails the requests queued while
 * it reconnects; node-zookeeper-client keeps them queued). SESSIONEXPIRED: an EXPIRED event, or a
 * request refused unsent for any other reason (the client knows its session ended).
 */
export function kindsOf(history: ZkHistory, client: number): Set<OutcomeKind> {
  const kinds = new Set<OutcomeKind>();
  for (const e of history.events ?? []) {
    if (e.kind !== 'session' || e.client !== client) continue;
    if (e.state === 'DISCONNECTED') kinds.add('CONNECTIONLOSS');
    if (e.state === 'EXPIRED') kinds.add('SESSIONEXPIRED');
  }
  for (const op of history.ops) {
    if (op.client !== client) continue;
    if (op.outcome === 'info') kinds.add('CONNECTIONLOSS');
    if (op.outcome === 'fail') kinds.add(op.result?.rc === 'connectionLoss' ? 'CONNECTIONLOSS' : 'SESSIONEXPIRED');
  }
  return kinds;
}

/** What a node must hold after recovery on one side, from its own history; undefined when its history does not fix it. */
export function expectedData(plan: OutcomePlan, run: OutcomeRun, root: string): Map<string, { value: string | null; lastWriteId: number | null }> {
  const out = new Map<string, { value: string | null; lastWriteId: number | null }>();
  plan.clients.forEach((_, c) => {
    const mine = run.history.ops.filter((o) => o.client === c);
    const expired = kindsOf(run.history, c).has('SESSIONEXPIRED');
    const key = keyOf(root, c);
    const writes = mine.filter((o) => writesPath(o, key));
    if (writes.length > 0 && writes.every((o) => o.outcome !== 'info')) {
      const last = [...writes].reverse().find((o) => o.outcome === 'ok' && o.result?.rc === 'ok');
      if (last !== undefined) out.set(key, { value: dataOf(last), lastWriteId: scriptIndex(run.history, last) });
    }
    const eph = ephemeralOf(root, c);
    const created = mine.find((o) => writesPath(o, eph));
    if (expired) out.set(eph, { value: null, lastWriteId: null });
    else if (run.settled[c] === true && created?.outcome === 'ok' && created.result?.rc === 'ok') out.set(eph, { value: EPHEMERAL_DATA(c), lastWriteId: null });
  });
  return out;
}

function writesPath(o: ZkHistoryOp, path: string): boolean {
  return (o.op.type === 'create' || o.op.type === 'setData') && o.op.path === path;
}

function dataOf(o: ZkHistoryOp): string {
  return o.op.type === 'create' || o.op.type === 'setData' ? o.op.data : '';
}

/** A write's place in its client's script: its data value, which the plan makes unique (c<client>-<n>). */
function scriptIndex(_h: ZkHistory, o: ZkHistoryOp): number {
  const m = /-(\d+)$/.exec(dataOf(o));
  return m === null ? -1 : Number(m[1]);
}

export type OutcomeComparison = {
  /** Every disagreement, one line each; empty when the two sides agree by kind and by data. */
  readonly problems: string[];
  /** Kinds per side, summed over clients, for the summary line. */
  readonly kinds: Record<string, Record<OutcomeKind, number>>;
  /** Nodes both sides determine from the same last write and read equal; nodes one side's outcomes leave undetermined. */
  readonly dataCompared: number;
  readonly dataLeftOut: number;
};

export function compareOutcomes(plan: OutcomePlan, root: string, a: OutcomeRun, b: OutcomeRun): OutcomeComparison {
  const problems: string[] = [];
  const expect = expectations(plan);
  const kinds: Record<string, Record<OutcomeKind, number>> = {};
  for (const run of [a, b]) {
    const tally = { CONNECTIONLOSS: 0, SESSIONEXPIRED: 0 };
    kinds[run.side] = tally;
    expect.forEach((e, c) => {
      const seen = kindsOf(run.history, c);
      for (const k of seen) tally[k]++;
      for (const k of OUTCOME_KINDS) {
        if (e.forced.has(k) && !seen.has(k)) problems.push(`${run.side}: client ${c} (${plan.clients[c]}) shows no ${k}, which the plan forces: ${e.why}`);
        if (seen.has(k) && !e.possible.has(k)) problems.push(`${run.side}: client ${c} (${plan.clients[c]}) shows ${k}, which the plan rules out: ${e.why}`);
      }
    });
  }
  const ea = expectedData(plan, a, root);
  const eb = expectedData(plan, b, root);
  for (const [run, exp] of [
    [a, ea],
    [b, eb],
  ] as const) {
    for (const [path, want] of exp) {
      const got = run.recovered[path];
      if (got !== want.value) problems.push(`${run.side}: ${path} reads ${show(got)} after recovery, but its acknowledged writes leave ${show(want.value)}`);
    }
  }
  let dataCompared = 0;
  let dataLeftOut = 0;
  const paths = new Set([...Object.keys(a.recovered), ...Object.keys(b.recovered)]);
  for (const path of paths) {
    const x = ea.get(path);
    const y = eb.get(path);
    if (x === undefined || y === undefined || x.lastWriteId !== y.lastWriteId || (x.value === null) !== (y.value === null)) {
      dataLeftOut++;
      continue;
    }
    dataCompared++;
    if (a.recovered[path] !== b.recovered[path])
      problems.push(`${path}: ${a.side} reads ${show(a.recovered[path])}, ${b.side} ${show(b.recovered[path])}, after the same last acknowledged write`);
  }
  return { problems, kinds, dataCompared, dataLeftOut };
}

function show(v: string | null | undefined): string {
  return v === undefined ? 'nothing (not read)' : v === null ? 'no node' : JSON.stringify(v);
}
