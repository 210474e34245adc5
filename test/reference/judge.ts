// Judging one reply or one write result against the reference tree (DEFINITIONS.md §4: write-result,
// read-state, ephemeral-after-end). Stat mzxids name a txn; the caller turns them into zxid facts.
import type { ZkResult } from '../../sim/history/types.js';
import type { ReplyItem } from './items.js';
import type { ModelResult, RefTree } from './tree-model.js';

/** mzxid facts a reply states: the txn (item id; -1 = the initial tree, zxid 0) must have this zxid. */
export type MzxidFact = { readonly txn: number; readonly zxid: number };

/** Why the reported write result differs from the model's, or null when it agrees. */
export function writeMismatch(reported: ZkResult, model: ModelResult): string | null {
  if (reported.rc !== model.rc) return `rc ${reported.rc}, the model gives ${model.rc}`;
  if (reported.path !== undefined && model.path !== undefined && reported.path !== model.path)
    return `created ${reported.path}, the model creates ${model.path}`;
  if (reported.version !== undefined && model.version !== undefined && reported.version !== model.version)
    return `version ${reported.version}, the model gives ${model.version}`;
  if (reported.results !== undefined && model.results !== undefined) {
    if (reported.results.length !== model.results.length) return `${reported.results.length} per-op results for ${model.results.length} ops`;
    for (let i = 0; i < model.results.length; i++) {
      const why = writeMismatch(reported.results[i]!, model.results[i]!);
      if (why !== null) return `op ${i}: ${why}`;
    }
  }
  return null;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return s.size === b.length && b.every((x) => s.has(x));
}

export type ReadJudgement = { readonly why: string | null; readonly mzxid: MzxidFact | null };

const OK: ReadJudgement = { why: null, mzxid: null };
const bad = (why: string): ReadJudgement => ({ why, mzxid: null });

/** read-state: the reply equals the state `tree`. */
export function judgeRead(r: ReplyItem, tree: RefTree): ReadJudgement {
  const op = r.hop.op;
  const res = r.hop.result!;
  switch (op.type) {
    case 'sync':
      return res.rc === 'ok' ? OK : bad(`sync rc ${res.rc}`);
    case 'kvGet': {
      const reg = tree.registers.get(op.path);
      if (res.rc !== 'ok') return bad(`kvGet rc ${res.rc}`);
      if (reg === undefined) return res.exists === true || res.data !== undefined ? bad(`${op.path} is absent`) : OK;
      if (res.exists === false) return bad(`${op.path} holds ${JSON.stringify(reg.data)}`);
      if (res.data !== undefined && res.data !== reg.data) return bad(`data ${JSON.stringify(res.data)}, the state holds ${JSON.stringify(reg.data)}`);
      if (res.version !== undefined && res.version !== reg.version) return bad(`version ${res.version}, the state has ${reg.version}`);
      return { why: null, mzxid: res.mzxid === undefined ? null : { txn: reg.mzxidTxn, zxid: res.mzxid } };
    }
    case 'getData':
    case 'exists':
    case 'getChildren': {
      const n = tree.nodes.get(op.path);
      const absent = op.type === 'exists' ? (res.rc === 'ok' && res.exists === false) || res.rc === 'noNode' : res.rc === 'noNode';
      if (n === undefined) return absent ? OK : bad(`${op.path} does not exist there (rc ${res.rc})`);
      if (absent) return bad(`${op.path} exists there`);
      if (res.rc !== 'ok') return bad(`rc ${res.rc} for an existing node`);
      if (op.type === 'getChildren') {
        if (res.children !== undefined && !sameSet(res.children, n.children))
          return bad(`children [${res.children.join(',')}], the state has [${[...n.children].sort().join(',')}]`);
        return OK;
      }
      if (n.statUnknown) return OK;
      if (res.data !== undefined && n.data !== null && res.data !== n.data)
        return bad(`data ${JSON.stringify(res.data)}, the state holds ${JSON.stringify(n.data)}`);
      if (res.version !== undefined && res.version !== n.version) return bad(`version ${res.version}, the state has ${n.version}`);
      if (res.ephemeralOwner !== undefined && n.owner !== -1 && res.ephemeralOwner !== n.owner)
        return bad(`ephemeralOwner ${res.ephemeralOwner}, the state has ${n.owner}`);
      return { why: null, mzxid: res.mzxid === undefined ? null : { txn: n.mzxidTxn, zxid: res.mzxid } };
    }
    default:
      return OK;
  }
}

/** The paths a read reports as existing (for ephemeral-after-end alone). */
export function pathsSeen(r: ReplyItem): string[] {
  const op = r.hop.op;
  const res = r.hop.result!;
  if (res.rc !== 'ok') return [];
  if (op.type === 'getData') return [op.path];
  if (op.type === 'exists') return res.exists === false ? [] : [op.path];
  if (op.type === 'getChildren') return (res.children ?? []).map((c) => (op.path === '/' ? `/${c}` : `${op.path}/${c}`));
  return [];
}
