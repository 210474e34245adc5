// Bounds on zxid-packing's windows from what reads show at their reply-header zxid (zxid-packing.ts).
//
// A read answered with header h shows the state holding exactly the txns at or below h (FinalRequestProcessor
// sends the server's last processed zxid; DataTree.processTxn applies txns in zxid order). These facts about a
// node p that at most one op of the history may create (NodeLife.soleCreator: no re-creation, so p has one
// life at most) bound txns in every execution:
// (a) a read at h shows p missing, and p is shown present in a state at or after h (a read at a header h' >= h,
//     or a write the leader found p for, whose zxid lies above h): then p's one create C, which took effect, lies
//     above h. Were C at or below h, p would have been deleted between C and h, and nothing makes it again,
//     so no later state shows it.
// (b) a read at h shows p with data version v, and a certain setData S of p left it at version v' > v (its
//     reply's version): then S lies above h. Were S at or below h, the state at h would hold p (the read shows
//     it) in the one life S found it in, and a node's version only grows in one life (DataTree.setData).
// (c) a certain write W that found p present (write-presence.ts writeFacts) lies above p's one create C: W's
//     lower end is at least C's plus one. (Not a read fact, but it carries (a)'s bounds on to the writes after C.)
// (d) a read without a header that shows p present read a state at or above p's one create C and below every
//     certain txn its session issued after it: C's upper end falls to that txn's upper end less one.
// (e) a KV register (never deleted) missing at h: every write of it that took effect lies above h.
// (f) KV versions count a register's writes: registerWritesBelow.
// (g) a read at h shows p missing and no op of the history may delete p (no delete op that may succeed, no session
//     that may own it as an ephemeral: NodeLife.mayDelete): every create of p that took effect lies above h, as a
//     create at or below h would have left p there (round 13, r13a: sweep seed 31013277, case 1462965641).
// Every window these move belongs to a txn that took effect (zxid-packing's slots: certain replies, writes
// proved or shown to have taken effect); an error txn is no creator and no setData of rc ok, so is not raised.
// O(n log n) per call, with the presence bounds of slot writes read from their current windows.
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain } from './write-table.js';
import { writeFacts } from './write-presence.js';
import { nodeLife } from './node-life.js';
import type { HistoryView } from './history-view.js';
import { sessionKey } from './client-common.js';
import { countBelow } from './sort.js';

/** The part of a zxid-packing slot this reads and moves: its open zxid window. */
type Window = { lo: number; hi: number };

const certainOk = (o: ZkHistoryOp): boolean => o.outcome === 'ok' && o.result !== null && !isUncertain(o);

/** Raises the lower ends of `slotOf`'s windows by facts (a) and (b); whether any moved. */
export function raiseByReadState(view: HistoryView, slotOf: ReadonlyMap<ZkHistoryOp, Window>): boolean {
  const life = nodeLife(view);
  // Per path: the greatest cut at which some reply shows the node present (-Infinity: none).
  const presentFrom = new Map<string, number>();
  const present = (p: string, cut: number): void => {
    if (cut > (presentFrom.get(p) ?? -Infinity)) presentFrom.set(p, cut);
  };
  for (const r of view.reads) {
    const res = r.result!;
    if (res.rc !== 'ok') continue;
    const p = opPath(r.op)!;
    if ((r.op.type === 'getData' || r.op.type === 'exists') && res.exists !== false) present(p, r.readZxid!);
    else if (r.op.type === 'getChildren') {
      present(p, r.readZxid!);
      for (const c of res.children ?? []) present(p === '/' ? `/${c}` : `${p}/${c}`, r.readZxid!);
    }
  }
  for (const w of view.writes) {
    if (!certainOk(w)) continue;
    // The state just before w's txn holds every txn below it: at a cut of its zxid - 1, or of its window's lower end or more.
    const s = slotOf.get(w);
    const cut = w.zxid !== null ? w.zxid - 1 : s !== undefined ? s.lo : -Infinity;
    if (cut === -Infinity) continue;
    for (const f of writeFacts(w)) if (f.present) present(f.path, cut);
  }
  let moved = false;
  // (c) A certain write that found p present lies above p's one create (its txn made p before the leader checked it).
  for (const w of view.writes) {
    const s = slotOf.get(w);
    if (s === undefined || !certainOk(w)) continue;
    for (const f of writeFacts(w)) {
      const c = f.present ? life.soleCreator(f.path) : null;
      const cs = c === null || c === w ? undefined : slotOf.get(c);
      if (cs !== undefined && s.lo < cs.lo + 1) {
        s.lo = cs.lo + 1;
        moved = true;
      }
    }
  }
  const raise = (o: ZkHistoryOp | null, h: number): void => {
    const s = o === null ? undefined : slotOf.get(o);
    if (s !== undefined && s.lo < h) {
      s.lo = h;
      moved = true;
    }
  };
  const versionsShown = new Map<string, { v: number; h: number }[]>();
  let makers: Map<string, ZkHistoryOp[]> | null = null;
  const kvMissing = new Map<string, number>(); // register -> the greatest header of a read that shows it missing
  for (const r of view.reads) {
    const res = r.result!;
    const p = opPath(r.op)!;
    const h = r.readZxid!;
    // (e) A register missing at h: every write of it that took effect is above h (registers are never deleted).
    if (r.op.type === 'kvGet') {
      if (res.exists === false && h > (kvMissing.get(p) ?? -Infinity)) kvMissing.set(p, h);
      continue;
    }
    const missing = res.rc === 'noNode' || (r.op.type === 'exists' && res.exists === false);
    // (a) A node missing at h and present at a cut at or after h: its one create is above h.
    if (missing) {
      if ((presentFrom.get(p) ?? -Infinity) >= h) raise(life.soleCreator(p), h);
      // (g) Nothing of the history may delete p: every create of it that took effect is above h.
      if (!life.mayDelete(p)) for (const c of (makers ??= slotCreates(slotOf)).get(p) ?? []) raise(c, h);
      continue;
    }
    // (b), gathered: the versions reads show, by path, to compare with the setData ops below.
    if ((r.op.type !== 'getData' && r.op.type !== 'exists') || res.version === undefined || setDataOf(view, p).length === 0) continue;
    if (life.soleCreator(p) === null) continue;
    const list = versionsShown.get(p);
    if (list === undefined) versionsShown.set(p, [{ v: res.version, h }]);
    else list.push({ v: res.version, h });
  }
  for (const [p, h] of kvMissing) for (const w of kvWritesOf(view, p)) if (!certainOk(w) || w.result!.rc === 'ok') raise(w, h);
  // (b) A version below one a certain setData left: that setData is above the greatest such read's h (by path: the
  // reads sorted by version with a prefix maximum of h, one binary search per setData; O(n log n)).
  for (const [p, shown] of versionsShown) {
    shown.sort((a, b) => a.v - b.v);
    const versions = shown.map((x) => x.v);
    const best: number[] = [];
    for (const x of shown) best.push(Math.max(x.h, best.length === 0 ? -Infinity : best[best.length - 1]!));
    for (const w of setDataOf(view, p)) {
      const left = w.result!.version ?? (w.op.type === 'setData' && w.op.version !== -1 ? w.op.version + 1 : undefined);
      const k = left === undefined ? 0 : countBelow(versions, left);
      if (k > 0) raise(w, best[k - 1]!);
    }
  }
  if (lowerByHeaderlessReads(view, slotOf, life)) moved = true;
  return moved;
}

/**
 * (d) A read without a header zxid that shows p present (its value, or a listing naming it) read a state at or
 * above p's one create C, and below the zxid of every certain txn its session issued after it (CommitProcessor
 * serves a session's requests in order): C's upper end is at most that txn's upper end less one. O(n) per call.
 */
function lowerByHeaderlessReads(view: HistoryView, slotOf: ReadonlyMap<ZkHistoryOp, Window>, life: ReturnType<typeof nodeLife>): boolean {
  let moved = false;
  let bySession: Map<number, ZkHistoryOp[]> | null = null;
  for (const r of view.readsWithoutZxid) {
    const res = r.result!;
    if (res.rc !== 'ok' || r.completeUs === null) continue;
    const p = opPath(r.op)!;
    const shown: string[] = [];
    if ((r.op.type === 'getData' || r.op.type === 'exists') && res.exists !== false) shown.push(p);
    else if (r.op.type === 'getChildren') for (const c of res.children ?? []) shown.push(p === '/' ? `/${c}` : `${p}/${c}`);
    for (const q of shown) {
      const c = life.soleCreator(q);
      const cs = c === null ? undefined : slotOf.get(c);
      if (cs === undefined) continue;
      bySession ??= new Map();
      const list = bySession.get(sessionKey(r));
      if (list === undefined) bySession.set(sessionKey(r), [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }
  if (bySession === null) return false;
  for (const [key, reads] of bySession) {
    const ops = view.opsBySession.get(key)!.ops; // issue order
    // The least upper end of a certain slot issued strictly after each read, by a suffix minimum over issue order.
    const least = new Map<ZkHistoryOp, number>();
    const wanted = new Set(reads);
    let after = Infinity;
    for (let j = ops.length; j > 0; ) {
      let i = j - 1;
      while (i > 0 && ops[i - 1]!.invokeUs === ops[j - 1]!.invokeUs) i--;
      for (let k = i; k < j; k++) if (wanted.has(ops[k]!)) least.set(ops[k]!, after);
      for (let k = i; k < j; k++) {
        const s = slotOf.get(ops[k]!);
        if (s !== undefined && certainOk(ops[k]!)) after = Math.min(after, s.hi);
      }
      j = i;
    }
    for (const r of reads) {
      const bound = least.get(r)!;
      if (bound === Infinity) continue;
      const res = r.result!;
      const p = opPath(r.op)!;
      const shown = r.op.type === 'getChildren' ? (res.children ?? []).map((c) => (p === '/' ? `/${c}` : `${p}/${c}`)) : [p];
      for (const q of shown) {
        const c = life.soleCreator(q);
        const cs = c === null ? undefined : slotOf.get(c);
        if (cs !== undefined && cs.hi > bound - 1) {
          cs.hi = bound - 1;
          moved = true;
        }
      }
    }
  }
  return moved;
}

const kvMemo = new WeakMap<HistoryView, Map<string, ZkHistoryOp[]>>();

/** The kvSet and kvCas ops of register `p` that may have succeeded (not failed, no certain error rc). */
function kvWritesOf(view: HistoryView, p: string): readonly ZkHistoryOp[] {
  let byPath = kvMemo.get(view);
  if (byPath === undefined) {
    byPath = new Map();
    for (const o of view.writes) {
      if ((o.op.type !== 'kvSet' && o.op.type !== 'kvCas') || o.outcome === 'fail') continue;
      if (o.result !== null && !isUncertain(o) && o.result.rc !== 'ok') continue;
      const list = byPath.get(o.op.path);
      if (list === undefined) byPath.set(o.op.path, [o]);
      else list.push(o);
    }
    kvMemo.set(view, byPath);
  }
  return byPath.get(p) ?? [];
}

/**
 * (f) A KV register is never deleted and each write of it that succeeds raises its version by one (the first
 * leaves 0), so a certain ok write W answered with version v had exactly v + 1 successful writes of the register
 * at or below it, W among them. When the writes of the register that may have succeeded number exactly v + 1,
 * every one did, each other one below W. Each such write, with a W it lies below. O(n) once per view.
 */
export function registerWritesBelow(view: HistoryView): Map<ZkHistoryOp, ZkHistoryOp> {
  const out = new Map<ZkHistoryOp, ZkHistoryOp>();
  const seen = new Set<string>();
  for (const w of view.writes) {
    if ((w.op.type !== 'kvSet' && w.op.type !== 'kvCas') || !certainOk(w) || w.result!.rc !== 'ok' || w.result!.version === undefined) continue;
    const list = kvWritesOf(view, w.op.path);
    if (list.length !== w.result!.version + 1 || seen.has(w.op.path)) continue;
    seen.add(w.op.path);
    for (const x of list) if (x !== w) out.set(x, w);
  }
  return out;
}

/** (f)'s order on the windows: each write below its W (below W's zxid, or W's upper end less one), W above it. */
export function orderRegisterWrites(below: ReadonlyMap<ZkHistoryOp, ZkHistoryOp>, slotOf: ReadonlyMap<ZkHistoryOp, Window>): void {
  for (const [x, w] of below) {
    const xs = slotOf.get(x);
    const ws = slotOf.get(w);
    if (xs !== undefined) xs.hi = Math.min(xs.hi, w.zxid !== null ? w.zxid : ws !== undefined ? ws.hi - 1 : Infinity);
    if (ws !== undefined) ws.lo = Math.max(ws.lo, x.zxid !== null ? x.zxid : xs !== undefined ? xs.lo + 1 : -Infinity);
  }
}

const setDatasMemo = new WeakMap<HistoryView, Map<string, ZkHistoryOp[]>>();

/** The certain ok setData ops of `p` without a recorded zxid (the others need no window). */
function setDataOf(view: HistoryView, p: string): readonly ZkHistoryOp[] {
  let byPath = setDatasMemo.get(view);
  if (byPath === undefined) {
    byPath = new Map();
    for (const w of view.writes)
      if (w.op.type === 'setData' && w.zxid === null && certainOk(w) && w.result!.rc === 'ok') {
        const list = byPath.get(w.op.path);
        if (list === undefined) byPath.set(w.op.path, [w]);
        else list.push(w);
      }
    setDatasMemo.set(view, byPath);
  }
  return byPath.get(p) ?? [];
}

/**
 * (g)'s creates: by path, the slots (txns that took effect) that create it: a certain ok write's creates (a
 * sequential one by its result's name), a proved lost write's named creates (a multi is applied whole).
 */
function slotCreates(slotOf: ReadonlyMap<ZkHistoryOp, Window>): Map<string, ZkHistoryOp[]> {
  const out = new Map<string, ZkHistoryOp[]>();
  const visit = (o: ZkHistoryOp, op: ZkOp, res: ZkResult | null, sure: boolean): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(o, sub, res?.results?.[i] ?? null, sure));
    else if (op.type === 'create') {
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const path = sure ? (res?.path ?? (sequential ? undefined : op.path)) : sequential ? undefined : op.path;
      if (path === undefined) return;
      const list = out.get(path);
      if (list === undefined) out.set(path, [o]);
      else if (!list.includes(o)) list.push(o);
    }
  };
  for (const o of slotOf.keys()) {
    if (certainOk(o)) {
      if (o.result!.rc === 'ok') visit(o, o.op, o.result, true);
    } else if (o.outcome !== 'fail') visit(o, o.op, null, false);
  }
  return out;
}
