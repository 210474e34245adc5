// Test helpers for protocol/tree: deep freezing, and a tiny "leader" that preps and applies
// requests one at a time so tests can drive the tree like a client would.
import { makeZxid } from '../../protocol/zxid.js';
import {
  applyTxn,
  createDataTree,
  OPEN_ACL_UNSAFE,
  prep,
  type Acl,
  type ApplyOutcome,
  type CreateMode,
  type DataTree,
  type Id,
  type PrepContext,
  type SessionFailureCode,
  type Txn,
  type WriteRequest,
} from '../../protocol/tree/index.js';

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<string | symbol, unknown>)[key]);
  }
  return value;
}

export interface Caller {
  readonly sessionId: number;
  readonly authIds?: readonly Id[];
  readonly sessionError?: SessionFailureCode;
}

export const ALICE: Caller = { sessionId: 0x101, authIds: [{ scheme: 'ip', id: '10.0.0.1' }] };
export const BOB: Caller = { sessionId: 0x202, authIds: [{ scheme: 'ip', id: '10.0.0.2' }] };

/** A sequence of writes against one tree, one zxid each (epoch 1), time = 1000 × counter ms. */
export class Harness {
  tree: DataTree;
  counter = 0;
  readonly txns: Txn[] = [];

  constructor(tree: DataTree = createDataTree()) {
    this.tree = tree;
  }

  ctx(caller: Caller): PrepContext {
    this.counter++;
    const base = { zxid: makeZxid(1, this.counter), timeMs: 1000 * this.counter, sessionId: caller.sessionId, authIds: caller.authIds ?? [] };
    return caller.sessionError === undefined ? base : { ...base, sessionError: caller.sessionError };
  }

  run(request: WriteRequest, caller: Caller = ALICE): ApplyOutcome & { txn: Txn } {
    const { txn } = prep(this.tree, request, this.ctx(caller));
    this.txns.push(txn);
    const outcome = applyTxn(this.tree, txn);
    this.tree = outcome.tree;
    return { ...outcome, txn };
  }

  create(path: string, data: string | null = '', mode: CreateMode = 'PERSISTENT', acl: readonly Acl[] = OPEN_ACL_UNSAFE, caller: Caller = ALICE) {
    return this.run({ type: 'create', path, data, acl, mode }, caller);
  }

  /** The error code (or OK) a client would see for a single-op request. */
  code(request: WriteRequest, caller: Caller = ALICE): string {
    const { result } = this.run(request, caller);
    if (result.type === 'error') return result.err;
    if (result.type === 'multi') return result.err;
    return 'OK';
  }
}

export const zxid = (counter: number): number => makeZxid(1, counter);
