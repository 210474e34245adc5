// ZooKeeper's replicated state machine for the Zab layer: the DataTree of protocol/tree. The leader
// preps against the committed tree plus its outstanding change records (PrepRequestProcessor +
// ZooKeeperServer.outstandingChanges) and retires records as txns commit. Ops are ZkEnvelopes: the
// write plus the session and auth ids of the connection that asked (Request.sessionId/authInfo).
import type { Zxid } from '../zxid.js';
import type { StateMachine } from '../zab/txn.js';
import {
  applyTxn,
  createDataTree,
  emptyOutstanding,
  prep,
  retireOutstanding,
  type ApplyOutcome,
  type DataTree,
  type DataTreeOptions,
  type OutstandingChanges,
  type PrepContext,
  type Txn as TreeTxn,
} from '../tree/index.js';
import { isZkEnvelope, type ZkEnvelope } from './types.js';

export const ZK_SM_NAME = 'zookeeper';

export interface ZkPrepState {
  readonly tree: DataTree;
  readonly outstanding: OutstandingChanges;
}

/** What `apply` reports: the client's result and the watch triggers, in DataTree order. */
export type ZkApplied = Pick<ApplyOutcome, 'result' | 'watchEvents'>;

function prepEnvelope(
  tree: DataTree,
  outstanding: OutstandingChanges,
  env: ZkEnvelope,
  zxid: Zxid,
  nowMs: number,
  extendedTypesEnabled: boolean,
): { body: TreeTxn; outstanding: OutstandingChanges } {
  // Two literals rather than a conditional spread (ten times cheaper in V8 11): sessionError stays absent when unset.
  let ctx: PrepContext =
    env.sessionError === undefined
      ? { zxid, timeMs: nowMs, sessionId: env.sessionId, authIds: env.authIds }
      : { zxid, timeMs: nowMs, sessionId: env.sessionId, authIds: env.authIds, sessionError: env.sessionError };
  if (extendedTypesEnabled) ctx = { ...ctx, extendedTypesEnabled };
  const out = prep(tree, env.request, ctx, outstanding);
  return { body: out.txn, outstanding: out.outstanding };
}

/** The tree's options, and zookeeper.extendedTypesEnabled for prep (TTL nodes; ZabConfig.extendedTypesEnabled). */
export type ZkStateMachineOptions = DataTreeOptions & { readonly extendedTypesEnabled?: boolean };

export function zkStateMachine(options: ZkStateMachineOptions = {}): StateMachine {
  const empty = createDataTree(options);
  const extended = options.extendedTypesEnabled === true;
  return {
    name: ZK_SM_NAME,
    empty: () => empty,
    isWrite: (op) => isZkEnvelope(op),
    prep(state, op, ctx) {
      if (!isZkEnvelope(op)) throw new Error(`zookeeper prep of a non-write: ${JSON.stringify(op)}`);
      return prepEnvelope(state as DataTree, emptyOutstanding(), op, ctx.zxid, ctx.nowMs, extended).body;
    },
    apply(state, body) {
      const out = applyTxn(state as DataTree, body as TreeTxn);
      const result: ZkApplied = { result: out.result, watchEvents: out.watchEvents };
      return { state: out.tree, result };
    },
    read() {
      throw new Error('zookeeper reads are served by protocol/service, not StateMachine.read');
    },
    describeOp(op) {
      if (!isZkEnvelope(op)) return JSON.stringify(op);
      const r = op.request;
      return 'path' in r ? `${r.type} ${r.path}` : r.type;
    },
    prepInit: (state): ZkPrepState => ({ tree: state as DataTree, outstanding: emptyOutstanding() }),
    prepNext(prepState, op, ctx) {
      const p = prepState as ZkPrepState;
      if (!isZkEnvelope(op)) throw new Error(`zookeeper prep of a non-write: ${JSON.stringify(op)}`);
      const out = prepEnvelope(p.tree, p.outstanding, op, ctx.zxid, ctx.nowMs, extended);
      return { body: out.body, prepState: { tree: p.tree, outstanding: out.outstanding } satisfies ZkPrepState };
    },
    prepRetire(prepState, state, zxid): ZkPrepState {
      const p = prepState as ZkPrepState;
      return { tree: state as DataTree, outstanding: retireOutstanding(p.outstanding, zxid) };
    },
  };
}

export function isZkApplied(result: unknown): result is ZkApplied {
  return typeof result === 'object' && result !== null && 'watchEvents' in result && 'result' in result;
}
