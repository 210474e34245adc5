// Small histories from one known execution, for the reference checker's own tests: ops are applied in a
// chosen order on the reference tree (each op takes effect at a moment between its invocation and its
// reply), so the history is possible by construction; reads are linearizable, a subset of what
// ZooKeeper allows. Not the project's generator (that one is independent of the reference's model).
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { applyTxn, initialTree, type RefTree } from './tree-model.js';

export type Rand = () => number;

/** Mulberry32: a small seeded generator (tests only). */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const Z = (n: number): number => 2 ** 32 + n;

function randomOp(r: Rand, kv: boolean): ZkOp {
  const data = pick(r, ['a', 'b', 'c']);
  if (kv) {
    const path = pick(r, ['/k1', '/k2']);
    const x = r();
    if (x < 0.35) return { type: 'kvSet', path, data };
    if (x < 0.55) return { type: 'kvCas', path, data, version: pick(r, [-1, 0, 1]) };
    return { type: 'kvGet', path };
  }
  const path = pick(r, ['/a', '/b', '/a/c']);
  const x = r();
  const watch = r() < 0.5;
  if (x < 0.2) return { type: 'create', path, data, mode: pick(r, ['persistent', 'ephemeral', 'persistentSequential', 'ephemeralSequential'] as const) };
  if (x < 0.3) return { type: 'delete', path, version: pick(r, [-1, 0]) };
  if (x < 0.42) return { type: 'setData', path, data, version: pick(r, [-1, 0, 1]) };
  if (x < 0.5)
    return {
      type: 'multi',
      ops: [
        { type: 'create', path: '/a', data, mode: 'persistent' },
        { type: 'setData', path: pick(r, ['/a', '/b']), data, version: -1 },
      ],
    };
  if (x < 0.66) return { type: 'getData', path, watch };
  if (x < 0.8) return { type: 'exists', path, watch };
  if (x < 0.92) return { type: 'getChildren', path: pick(r, ['/', '/a']), watch };
  return { type: 'closeSession' };
}

function readResult(op: ZkOp, tree: RefTree, txnZxid: (id: number) => number): ZkResult {
  if (op.type === 'kvGet') {
    const reg = tree.registers.get(op.path);
    return reg === undefined ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, data: reg.data, version: reg.version, mzxid: txnZxid(reg.mzxidTxn) };
  }
  if (op.type !== 'getData' && op.type !== 'exists' && op.type !== 'getChildren') return { rc: 'ok' };
  const n = tree.nodes.get(op.path);
  if (n === undefined) return op.type === 'exists' ? { rc: 'ok', exists: false } : { rc: 'noNode' };
  if (op.type === 'getChildren') return { rc: 'ok', children: [...n.children] };
  const stat = { version: n.version, mzxid: txnZxid(n.mzxidTxn), ephemeralOwner: n.owner };
  return op.type === 'exists' ? { rc: 'ok', exists: true, ...stat } : { rc: 'ok', data: n.data ?? '', ...stat };
}

type Held = { session: number; path: string; kind: 'data' | 'child'; replyUs: number };

/** A possible history of `n` ops over `sessions` sessions (kv registers or the zk tree). */
export function generate(seed: number, n: number, sessions: number, kv: boolean): ZkHistory {
  const r = rng(seed);
  let tree = initialTree();
  const ops: ZkHistoryOp[] = [];
  const events: ZkHistoryEvent[] = [];
  const zxidOf = new Map<number, number>([[-1, 0]]);
  let counter = 0;
  const live = Array.from({ length: sessions }, (_, i) => ({ client: i + 1, session: 101 + i, lastComplete: 0 }));
  let nextSession = 201;
  let held: Held[] = [];
  for (let k = 0; k < n; k++) {
    const s = pick(r, live);
    const op = randomOp(r, kv);
    const effect = 100 * (k + 1);
    const invokeUs = Math.max(s.lastComplete + 1, effect - Math.floor(r() * 90));
    const info = r() < 0.12 && op.type !== 'kvGet' && op.type !== 'getData' && op.type !== 'exists' && op.type !== 'getChildren';
    const completeUs = info ? null : effect + 2 + Math.floor(r() * 38);
    const id = ops.length;
    if (op.type === 'kvGet' || op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') {
      const result = readResult(op, tree, (t) => zxidOf.get(t) ?? 0);
      const readZxid = r() < 0.5 ? (counter === 0 ? 0 : Z(counter)) : null;
      ops.push({
        kind: 'op',
        id,
        client: s.client,
        session: s.session,
        server: 1,
        op,
        invokeUs,
        completeUs,
        outcome: 'ok',
        result,
        zxid: null,
        ...(readZxid === null ? {} : { readZxid }),
      });
      const setsWatch = 'watch' in op && op.watch === true && (result.rc === 'ok' || op.type === 'exists');
      const kind = op.type === 'getChildren' ? 'child' : 'data';
      if (setsWatch && !held.some((h) => h.session === s.session && h.path === op.path && h.kind === kind))
        held.push({ session: s.session, path: op.path, kind, replyUs: completeUs! });
    } else {
      const applies = !info || r() < 0.5;
      let zxid: number | null = null;
      let result: ZkResult | null = null;
      if (op.type === 'closeSession') held = held.filter((h) => h.session !== s.session); // a closing session's own watches are not judged
      if (applies) {
        const a = applyTxn(tree, op, s.session, id);
        tree = a.tree;
        zxid = Z(++counter);
        zxidOf.set(id, zxid);
        result = a.result as ZkResult;
        const fired = new Set<string>();
        held = held.filter((h) => {
          const g = a.triggers.find((t) => t.path === h.path && t.kind === h.kind);
          if (g === undefined) return true;
          const key = `${h.session} ${g.path} ${g.type}`;
          if (!fired.has(key))
            events.push({
              kind: 'watch',
              client: live.find((x) => x.session === h.session)?.client ?? 0,
              session: h.session,
              server: 1,
              type: g.type,
              path: g.path,
              zxid: r() < 0.7 ? zxid! : 0,
              atUs: Math.max(effect + 1, h.replyUs + 1),
            });
          fired.add(key);
          return false;
        });
      }
      const recorded = !info && r() < 0.6 ? zxid : null;
      ops.push({
        kind: 'op',
        id,
        client: s.client,
        session: s.session,
        server: 1,
        op,
        invokeUs,
        completeUs,
        outcome: info ? 'info' : 'ok',
        result: info ? null : result,
        zxid: recorded,
      });
    }
    s.lastComplete = completeUs ?? effect + 40;
    if (op.type === 'closeSession') {
      held = held.filter((h) => h.session !== s.session);
      s.session = nextSession++; // the same client opens a new session
    }
  }
  events.sort((a, b) => a.atUs - b.atUs);
  return { header: { kind: 'header', version: 1, seed }, ops, events };
}
