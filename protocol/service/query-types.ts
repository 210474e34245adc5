// The read requests ZooKeeper 3.6 added, which zabsim serves as 3.8 does (FinalRequestProcessor):
// getAllChildrenNumber, getEphemerals, whoAmI and multiRead (a multi of getData / getChildren ops).
// They join ZkRequest and ZkResponse (types.ts) as one union member each, kept here so the opcode
// lists of different features stay apart.
import type { ErrorCode, Stat, ZnodeData } from '../tree/index.js';

/** An op of a multiRead (Op.GetData / Op.GetChildren: never a watch, Op.toRequestRecord sets false). */
export type ReadOp = { readonly type: 'getData'; readonly path: string } | { readonly type: 'getChildren'; readonly path: string };

/** One op's result in a multiRead's MultiResponse: GetDataResult, GetChildrenResult or ErrorResult. */
export type ReadOpResult =
  | { readonly type: 'getData'; readonly data: ZnodeData; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: readonly string[] }
  | { readonly type: 'error'; readonly err: ErrorCode };

/** ClientInfo (whoAmI): an auth id's scheme and the user its provider names (AuthUtil.getClientInfos). */
export interface ClientInfo {
  readonly authScheme: string;
  readonly user: string;
}

export type ZkQueryRequest =
  | { readonly type: 'getAllChildrenNumber'; readonly path: string }
  /** GetEphemeralsRequest; `path` is its prefixPath. */
  | { readonly type: 'getEphemerals'; readonly path: string }
  | { readonly type: 'whoAmI' }
  | { readonly type: 'multiRead'; readonly ops: readonly ReadOp[] };

export type ZkQueryResponse =
  | { readonly type: 'getAllChildrenNumber'; readonly totalNumber: number }
  | { readonly type: 'getEphemerals'; readonly ephemerals: readonly string[] }
  | { readonly type: 'whoAmI'; readonly clientInfo: readonly ClientInfo[] }
  | { readonly type: 'multiRead'; readonly results: readonly ReadOpResult[] };
