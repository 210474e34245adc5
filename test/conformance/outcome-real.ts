// Runs a fault plan (outcome-plan.ts) on the real ZooKeeper 3.8 ensemble and records its history in
// zabsim's format, as the fault recorder does (fault-recorder.ts: same reply-header zxids, same
// outcome rules), with the plan's clients, scripts and fault in wall-clock ms. The struck server and
// the placements come from the roles when the plan starts (placementServers, as in zabsim). Whatever
// happens, a stopped server is continued and a killed one restarted before this returns.
import type { ZkHistoryEvent, ZkOp, ZkSessionState } from '../../sim/history/types.js';
import type { Ensemble } from './ensemble.js';
import { finish, isLive, issue, Recording, recordSessionState, TIMED_OUT, waitUntil, type MutableOp, type Pending } from './fault-recorder.js';
import { CM_STATES, RecordedSession } from './fault-session.js';
import type { OutcomeRun } from './outcome-compare.js';
import { ephemeralOf, keyOf, placementServers, planEndMs, recoveryWaitMs, scriptOf, setupOps, type OutcomePlan } from './outcome-plan.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean | Promise<boolean>, maxMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}

/** One plan client's session: its events go to the recording under the plan's client number. */
async function openSession(rec: Recording, client: number, connect: string, timeoutMs: number): Promise<{ session: RecordedSession; no: number }> {
  let no: number | null = null;
  let last: ZkSessionState | null = null;
  const session: RecordedSession = new RecordedSession(connect, timeoutMs, {
    nowUs: () => rec.nowUs(),
    nextSeq: () => rec.seq++,
    onState: (state, atUs, seq, port) => {
      if (state === CM_STATES.CONNECTED && no === null) no = rec.session(session.sessionIdHex());
      if (no !== null) last = recordSessionState(rec, client, no, last, state, atUs, seq, port);
    },
    onWatch: () => {},
  });
  session.raw.connect();
  if (!(await until(() => session.state === CM_STATES.CONNECTED, 15_000)) || no === null) {
    session.raw.close();
    throw new Error(`client ${client}: no session on ${connect}`);
  }
  return { session, no };
}

/** Sends one op and waits for its answer, or for the session to die (the op then stays unknown). */
async function recordOp(rec: Recording, client: number, s: { session: RecordedSession; no: number }, op: ZkOp): Promise<void> {
  const neverSent = !isLive(s.session.state);
  const record: MutableOp = {
    kind: 'op',
    id: rec.nextId++,
    client,
    session: s.no,
    server: neverSent ? null : rec.server(s.session.port()),
    op,
    invokeUs: rec.nowUs(),
    completeUs: null,
    outcome: neverSent ? 'fail' : 'info',
    result: null,
    zxid: null,
  };
  const { slot, done, build } = issue(s.session, op, rec);
  const p: Pending = { rec: record, slot, value: undefined, settled: false, build };
  rec.pending.push(p);
  const value = await Promise.race([
    done,
    waitUntil(
      () => !isLive(s.session.state),
      () => true,
    ),
  ]);
  if (value !== TIMED_OUT) {
    p.value = value;
    p.settled = true;
  }
}

async function healthy(ensemble: Ensemble): Promise<boolean> {
  const modes = await ensemble.modes();
  return modes.filter((m) => m === 'leader').length === 1 && modes.filter((m) => m === 'follower').length === 2;
}

/** Runs the plan on `ensemble` (healthy: one leader, two followers) under `root`. */
export async function runPlanReal(ensemble: Ensemble, plan: OutcomePlan, root: string): Promise<OutcomeRun & { faults: { atMs: number; what: string }[] }> {
  const modes = await ensemble.modes();
  const leader = modes.indexOf('leader') + 1;
  const followers = modes.flatMap((m, i) => (m === 'follower' ? [i + 1] : []));
  if (leader === 0 || followers.length !== 2) throw new Error(`ensemble not healthy: ${modes.join(',')}`);
  const { target, of } = placementServers(leader, followers, plan);
  const rec = new Recording(ensemble, Number.MAX_SAFE_INTEGER);
  const sessions: { session: RecordedSession; no: number }[] = [];
  const faults: { atMs: number; what: string }[] = [];
  let down: 'killed' | 'paused' | null = null;
  let reader: RecordedSession | null = null;
  try {
    for (let c = 0; c < plan.clients.length; c++)
      sessions.push(await openSession(rec, c, ensemble.connectStringFor(of(plan.clients[c]!)), plan.sessionTimeoutMs));
    await recordOp(rec, 0, sessions[0]!, { type: 'create', path: root, data: '', mode: 'persistent' });
    for (let c = 0; c < sessions.length; c++) for (const op of setupOps(root, c)) await recordOp(rec, c, sessions[c]!, op);

    // The plan's clock starts now.
    const t0 = Date.now();
    const elapsed = (): number => Date.now() - t0;
    const { action, atMs, forMs } = plan.fault;
    const striking = (async (): Promise<void> => {
      await sleep(atMs - elapsed());
      if (action === 'kill') await ensemble.kill(target);
      else ensemble.pause(target);
      down = action === 'kill' ? 'killed' : 'paused';
      faults.push({ atMs: elapsed(), what: `${action === 'kill' ? 'SIGKILL' : 'SIGSTOP'} server ${target} (${plan.fault.role})` });
      await sleep(atMs + forMs - elapsed());
      if (action === 'kill') ensemble.restart(target);
      else ensemble.resume(target);
      down = null;
      faults.push({ atMs: elapsed(), what: `${action === 'kill' ? 'restart' : 'SIGCONT'} server ${target}` });
    })();
    const end = planEndMs(plan);
    const scripts = sessions.map(async (s, c) => {
      for (const { atMs: at, op } of scriptOf(plan, root, c)) {
        if (elapsed() >= end) return;
        await sleep(at - elapsed());
        if (elapsed() >= end) return;
        await recordOp(rec, c, s, op);
      }
    });
    await Promise.all([striking, ...scripts]);

    // Recovery: the ensemble whole again, every client connected or told its session expired.
    if (!(await until(() => healthy(ensemble), 60_000, 200))) throw new Error('ensemble not whole 60 s after the plan');
    // node-zookeeper-client ends an expired session in CLOSED (onSocketClosed after SESSION_EXPIRED): over, so settled.
    const settledState = (s: { session: RecordedSession }): boolean => s.session.state === CM_STATES.CONNECTED || !isLive(s.session.state);
    await until(() => sessions.every(settledState), 30_000);
    const settled = sessions.map(settledState);
    await sleep(recoveryWaitMs(plan));
    const history = {
      header: {
        kind: 'header' as const,
        version: 1 as const,
        source: 'real ZooKeeper 3.8 ensemble (test/conformance/outcome-real.ts)',
        // No reconnectOrder: RecordedSession sends setWatches ahead of the queued requests, in the Java client's order.
        plan: plan.name,
        root,
        faults,
      },
      ops: finish(rec),
      events: [...rec.events].sort((a: ZkHistoryEvent, b: ZkHistoryEvent) => (a.seq ?? 0) - (b.seq ?? 0)),
    };

    const r = new RecordedSession(ensemble.connectString, plan.sessionTimeoutMs, { nowUs: () => 0, nextSeq: () => 0, onState: () => {}, onWatch: () => {} });
    reader = r;
    r.raw.connect();
    if (!(await until(() => r.state === CM_STATES.CONNECTED, 15_000))) throw new Error('reader: no session');
    const synced = r.sync(root);
    await synced.done;
    const recovered: Record<string, string | null> = {};
    for (let c = 0; c < sessions.length; c++) {
      for (const path of [keyOf(root, c), ephemeralOf(root, c)]) {
        const read = r.getData(path, false);
        const value = await read.done;
        if (read.slot.err !== 0 && read.slot.err !== -101) throw new Error(`reader: getData ${path}: error ${read.slot.err}`);
        recovered[path] = read.slot.err === -101 ? null : (value?.data ?? '');
      }
    }
    return { side: 'real', history, recovered, settled, faults };
  } finally {
    if (down === 'paused') ensemble.resume(target);
    if (down === 'killed') ensemble.restart(target);
    for (const s of sessions) if (isLive(s.session.state)) s.session.raw.close();
    reader?.raw.close();
  }
}
