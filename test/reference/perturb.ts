// Perturbations of a generated history (generate.ts): each changes one thing a checker must look at (a
// read's value, a readZxid, two writes' results, a version, a watch event, an op's times, an ephemeral
// read after its session's end, a sequential name, a multi sub-result, a session-end record). A perturbed
// history may or may not still be possible; only the reference checker says which.
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkHistoryWatch, ZkResult, ZkWatchType } from '../../sim/history/types.js';
import { isZkRead, isZkWrite } from '../../sim/history/types.js';
import { EPOCH_BASE, type Rng } from './generate.js';

export const PERTURBATIONS = [
  'read-value',
  'shift-read-zxid',
  'swap-write-results',
  'bump-version',
  'drop-watch-event',
  'duplicate-watch-event',
  'retarget-watch-event',
  'event-before-watch',
  'move-op-times',
  'ephemeral-read-after-end',
  'rename-sequential',
  'change-multi-subresult',
  'drop-session-end',
] as const;
export type PerturbationKind = (typeof PERTURBATIONS)[number];

/** What a perturbation did: the op ids it changed or added, and the events it changed, added or removed (by index in the new or old list). */
export type Perturbed = {
  readonly kind: PerturbationKind;
  readonly history: ZkHistory;
  readonly note: string;
  readonly ops: readonly number[];
  readonly events: readonly number[];
};

type MutableOp = { -readonly [K in keyof ZkHistoryOp]: ZkHistoryOp[K] };
type MutableResult = { -readonly [K in keyof ZkResult]: ZkResult[K] };
type Work = { ops: MutableOp[]; events: ZkHistoryEvent[] };

const clone = (h: ZkHistory): Work => ({ ops: structuredClone(h.ops) as MutableOp[], events: structuredClone([...(h.events ?? [])]) });

/** The history with the work's ops and events; its auth records (gen-acl.ts) are kept. */
function rebuild(h: ZkHistory, w: Work): ZkHistory {
  const kept = h.auths === undefined ? { header: h.header } : { header: h.header, auths: h.auths };
  return w.events.length === 0 ? { ...kept, ops: w.ops } : { ...kept, ops: w.ops, events: w.events };
}

const okOps = (w: Work, pred: (o: MutableOp) => boolean): MutableOp[] => w.ops.filter((o) => o.outcome === 'ok' && o.result !== null && pred(o));
const watchIndices = (w: Work): number[] => w.events.flatMap((e, i) => (e.kind === 'watch' ? [i] : []));

/** All values written anywhere in the history (create, setData, kvSet, kvCas data). */
function writtenValues(w: Work): string[] {
  const out: string[] = [];
  const visit = (op: ZkHistoryOp['op']): void => {
    if (op.type === 'multi') op.ops.forEach(visit);
    else if ('data' in op) out.push(op.data);
  };
  w.ops.forEach((o) => visit(o.op));
  return out;
}

type Attempt = (w: Work, rng: Rng) => { note: string; ops?: number[]; events?: number[] } | null;

const ATTEMPTS: Record<PerturbationKind, Attempt> = {
  'read-value': (w, rng) => {
    const reads = okOps(w, (o) => o.result!.data !== undefined && isZkRead(o.op));
    if (reads.length === 0) return null;
    const o = rng.pick(reads);
    const others = writtenValues(w).filter((v) => v !== o.result!.data);
    const data = others.length > 0 && rng.chance(0.6) ? rng.pick(others) : `never-${rng.int(0, 99)}`;
    o.result = { ...o.result!, data };
    return { note: `op ${o.id} now reads ${JSON.stringify(data)}`, ops: [o.id] };
  },
  'shift-read-zxid': (w, rng) => {
    const reads = okOps(w, (o) => typeof o.readZxid === 'number');
    if (reads.length === 0) return null;
    const o = rng.pick(reads);
    const shifted = Math.max(EPOCH_BASE, o.readZxid! + rng.pick([-2, -1, 1, 2]));
    if (shifted === o.readZxid) return null;
    o.readZxid = shifted;
    return { note: `op ${o.id} readZxid now ${shifted}`, ops: [o.id] };
  },
  'swap-write-results': (w, rng) => {
    const writes = okOps(w, (o) => isZkWrite(o.op));
    if (writes.length < 2) return null;
    const a = rng.pick(writes);
    const b = rng.pick(writes.filter((o) => o !== a));
    if (JSON.stringify(a.result) === JSON.stringify(b.result)) return null;
    [a.result, b.result] = [b.result, a.result];
    return { note: `ops ${a.id} and ${b.id} swapped results`, ops: [a.id, b.id] };
  },
  'bump-version': (w, rng) => {
    const withVersion = okOps(w, (o) => o.result!.version !== undefined);
    if (withVersion.length === 0) return null;
    const o = rng.pick(withVersion);
    const version = o.result!.version! + rng.pick([-1, 1]);
    o.result = { ...o.result!, version };
    return { note: `op ${o.id} now reports version ${version}`, ops: [o.id] };
  },
  'drop-watch-event': (w, rng) => {
    const watches = watchIndices(w);
    if (watches.length === 0) return null;
    const i = rng.pick(watches);
    w.events.splice(i, 1);
    return { note: `watch event ${i} dropped`, events: [i] };
  },
  'duplicate-watch-event': (w, rng) => {
    const watches = watchIndices(w);
    if (watches.length === 0) return null;
    const i = rng.pick(watches);
    const e = w.events[i] as ZkHistoryWatch;
    const { seq: _seq, ...rest } = e; // the copy has no seq of its own: it comes right after by time
    const copy: ZkHistoryWatch = { ...rest, atUs: e.atUs + 1 };
    w.events.splice(i + 1, 0, copy);
    return { note: `watch event ${i} delivered twice`, events: [i + 1] };
  },
  'retarget-watch-event': (w, rng) => {
    const watches = watchIndices(w);
    if (watches.length === 0) return null;
    const i = rng.pick(watches);
    const e = w.events[i] as ZkHistoryWatch;
    const what = rng.int(0, 2);
    const types: ZkWatchType[] = ['NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged'];
    const retargeted: ZkHistoryWatch =
      what === 0
        ? { ...e, type: rng.pick(types.filter((t) => t !== e.type)) }
        : what === 1
          ? { ...e, path: rng.pick(['/a', '/b', '/a/c', '/'].filter((p) => p !== e.path)) }
          : { ...e, zxid: Math.max(EPOCH_BASE + 1, e.zxid + rng.pick([-1, 1])) };
    if (JSON.stringify(retargeted) === JSON.stringify(e)) return null;
    w.events[i] = retargeted;
    return { note: `watch event ${i} retargeted (${['type', 'path', 'zxid'][what]})`, events: [i] };
  },
  'event-before-watch': (w, rng) => {
    const setters = okOps(
      w,
      (o) => (((o.op.type === 'getData' || o.op.type === 'exists' || o.op.type === 'getChildren') && o.op.watch === true) || o.op.type === 'addWatch') && o.session !== null,
    );
    if (setters.length === 0) return null;
    const o = rng.pick(setters);
    // (A recursive watch's event may name a node below its path.)
    const base = (o.op as { path: string }).path;
    const path = o.op.type === 'addWatch' && o.op.mode === 'persistentRecursive' && rng.chance(0.5) ? rng.pick(['/a', '/b', '/a/c'].filter((p) => base === '/' || p.startsWith(`${base}/`)).concat(base)) : base;
    const type: ZkWatchType =
      o.op.type === 'getChildren'
        ? 'NodeChildrenChanged'
        : o.op.type === 'addWatch'
          ? rng.pick(['NodeDataChanged', 'NodeDeleted', 'NodeCreated', 'NodeChildrenChanged'] as const)
          : rng.pick(['NodeDataChanged', 'NodeDeleted', 'NodeCreated'] as const);
    const writes = okOps(w, (x) => x.zxid !== null);
    const zxid = writes.length > 0 ? rng.pick(writes).zxid! : (o.readZxid ?? EPOCH_BASE + 1);
    const event: ZkHistoryWatch = {
      kind: 'watch',
      client: o.client,
      session: o.session!,
      server: o.server,
      type,
      path,
      zxid,
      atUs: Math.max(0, o.invokeUs - rng.int(1, 50)),
    };
    w.events.push(event);
    return { note: `a ${type} event on ${path} before op ${o.id} set its watch`, events: [w.events.length - 1] };
  },
  'move-op-times': (w, rng) => {
    const done = w.ops.filter((o) => o.completeUs !== null);
    if (done.length === 0) return null;
    const o = rng.pick(done);
    const shift = rng.pick([-3000, -2000, -1000, 1000, 2000, 3000]) + rng.int(-200, 200);
    const invokeUs = Math.max(0, o.invokeUs + shift);
    const completeUs = Math.max(invokeUs, o.completeUs! + shift);
    o.invokeUs = invokeUs;
    o.completeUs = completeUs;
    renumberObservations(w);
    return { note: `op ${o.id} moved by ${shift} µs`, ops: [o.id] };
  },
  'ephemeral-read-after-end': (w, rng) => {
    const ephemerals = okOps(w, (o) => o.op.type === 'create' && (o.op.mode === 'ephemeral' || o.op.mode === 'ephemeralSequential') && o.result!.rc === 'ok');
    const candidates = ephemerals.flatMap((c) => {
      const end = sessionEndOf(w, c.session!);
      return end === null ? [] : [{ c, end }];
    });
    if (candidates.length === 0) return null;
    const { c, end } = rng.pick(candidates);
    const path = c.result!.path!;
    // A fresh session of a new client reads it, so nothing else about the history changes.
    const invokeUs = end.atUs + rng.int(1, 500);
    const id = Math.max(...w.ops.map((o) => o.id)) + 1;
    const result: MutableResult = { rc: 'ok', data: (c.op as { data: string }).data, version: 0, ephemeralOwner: c.session! };
    if (c.zxid !== null) result.mzxid = c.zxid;
    const op: MutableOp = {
      kind: 'op',
      id,
      client: Math.max(...w.ops.map((x) => x.client)) + 1,
      session: 1999,
      server: c.server,
      op: { type: 'getData', path },
      invokeUs,
      completeUs: invokeUs + rng.int(1, 300),
      outcome: 'ok',
      result,
      zxid: null,
    };
    if (end.zxid !== null && rng.chance(0.5)) op.readZxid = end.zxid + rng.int(0, 1);
    w.ops.push(op);
    return { note: `op ${id} reads ephemeral ${path} of session ${c.session} after its end`, ops: [id] };
  },
  'rename-sequential': (w, rng) => {
    const seqCreates = okOps(w, (o) => /\d{10}$/.test(o.result!.path ?? '') || (o.result!.results ?? []).some((r) => /\d{10}$/.test(r.path ?? '')));
    if (seqCreates.length === 0) return null;
    const o = rng.pick(seqCreates);
    const rename = (p: string): string => {
      const n = Number(p.slice(-10));
      const delta = rng.pick([-1, 1, 2]);
      return p.slice(0, -10) + String(n + delta < 0 ? n + 1 : n + delta).padStart(10, '0');
    };
    if (o.result!.path !== undefined && /\d{10}$/.test(o.result!.path)) o.result = { ...o.result!, path: rename(o.result!.path) };
    else
      o.result = {
        ...o.result!,
        results: o.result!.results!.map((r) => (r.path !== undefined && /\d{10}$/.test(r.path) ? { ...r, path: rename(r.path) } : r)),
      };
    return { note: `op ${o.id} reports a renamed sequential node`, ops: [o.id] };
  },
  'change-multi-subresult': (w, rng) => {
    const multis = okOps(w, (o) => o.op.type === 'multi' && o.result!.results !== undefined && o.result!.results.length > 1);
    if (multis.length === 0) return null;
    const o = rng.pick(multis);
    const results = [...o.result!.results!];
    const i = rng.int(0, results.length - 1);
    const j = rng.pick(results.map((_, k) => k).filter((k) => k !== i));
    if (o.result!.rc === 'ok') results[i] = { rc: rng.pick(['noNode', 'nodeExists', 'badVersion'] as const) };
    else [results[i], results[j]] = [results[j]!, results[i]!];
    if (JSON.stringify(results) === JSON.stringify(o.result!.results)) return null;
    o.result = { ...o.result!, results };
    return { note: `op ${o.id} multi sub-results changed`, ops: [o.id] };
  },
  'drop-session-end': (w, rng) => {
    const ends = w.events.flatMap((e, i) => (e.kind === 'session' && (e.state === 'ENDED' || e.state === 'EXPIRED') ? [i] : []));
    const closes = w.ops.filter((o) => o.op.type === 'closeSession');
    if (ends.length === 0 && closes.length === 0) return null;
    if (closes.length === 0 || (ends.length > 0 && rng.chance(0.5))) {
      const i = rng.pick(ends);
      w.events.splice(i, 1);
      return { note: `session record ${i} dropped`, events: [i] };
    }
    const o = rng.pick(closes);
    w.ops.splice(w.ops.indexOf(o), 1);
    return { note: `closeSession op ${o.id} dropped`, ops: [o.id] };
  },
};

/**
 * Gives completeSeq and seq (the observation order, which breaks ties in time) again by time, old order
 * second, so that a moved op's place in that order agrees with its new times.
 */
function renumberObservations(w: Work): void {
  type Obs = { atUs: number; old: number; set: (seq: number) => void };
  const all: Obs[] = [];
  for (const o of w.ops)
    if (o.completeSeq !== undefined && o.completeUs !== null) all.push({ atUs: o.completeUs, old: o.completeSeq, set: (q) => (o.completeSeq = q) });
  w.events.forEach((e, i) => {
    if (e.seq !== undefined) all.push({ atUs: e.atUs, old: e.seq, set: (q) => (w.events[i] = { ...e, seq: q }) });
  });
  all.sort((a, b) => a.atUs - b.atUs || a.old - b.old).forEach((x, k) => x.set(k));
}

/** Where a session's end is known: a completed closeSession op, or an ENDED/EXPIRED record. */
function sessionEndOf(w: Work, session: number): { atUs: number; zxid: number | null } | null {
  const close = w.ops.find((o) => o.session === session && o.op.type === 'closeSession' && o.outcome === 'ok');
  if (close !== undefined) return { atUs: close.completeUs!, zxid: close.zxid };
  const ended = w.events.find((e) => e.kind === 'session' && e.session === session && (e.state === 'ENDED' || e.state === 'EXPIRED'));
  if (ended === undefined || ended.kind !== 'session') return null;
  return { atUs: ended.atUs, zxid: ended.zxid ?? null };
}

/** Applies perturbation `kind`, or returns null when the history has nothing it applies to. */
export function perturbAs(history: ZkHistory, kind: PerturbationKind, rng: Rng): Perturbed | null {
  const w = clone(history);
  const done = ATTEMPTS[kind](w, rng);
  if (done === null) return null;
  return { kind, history: rebuild(history, w), note: done.note, ops: done.ops ?? [], events: done.events ?? [] };
}

/** One perturbation, of a random kind that applies (tried in a random order); null when none does. */
export function perturb(history: ZkHistory, rng: Rng): Perturbed | null {
  const kinds = [...PERTURBATIONS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  for (const kind of kinds) {
    const p = perturbAs(history, kind, rng);
    if (p !== null) return p;
  }
  return null;
}
