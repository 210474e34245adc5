// `zk-writes`: the ZooKeeper write fast path. Writes whose zxid the client observed are ordered by zxid,
// checked against real time (a write that completed before another was invoked has the smaller zxid) and
// replayed on a minimal sequential znode tree, comparing every reported result: O(n log n), no search.
// Writes without a zxid (connection loss, timeouts) fall back to the general linearizability search,
// restricted to their partition of paths, with the zxid-ordered writes of that partition kept in order.
//
// Partitions: paths are grouped with union-find. An op joins every path it touches; create and delete
// also join their parent (the parent's existence, child count and cversion decide their result), except
// that the root, which always exists and is never deleted, is joined only by sequential creates under it.
// Every op's result then depends only on nodes inside its own partition. Assumption: the history starts
// from an empty tree. Sessions ending delete their ephemeral nodes: a client's close() is a `closeSession`
// write with its zxid, and an expiry is a session "ENDED" record (the closeSession txn's zxid, seen at the
// servers), replayed as a write; it joins the partitions of every ephemeral node its session created.
// The KV register ops of the Zab-level runs (kvSet, kvCas) are one register per path, never touching the
// parent, so each key is its own partition.
// The zxid order is global, so partitions are not independent for the writes without a zxid: such a
// write W must get a place in the zxid order after every zxid-carrying write that completed before W was
// invoked and before every one invoked after W returned. Each gets that window of zxids, as a window of
// its partition's ranks; and two writes without a zxid, one of which returned before the other was
// invoked, are put in one partition. With those, the per-partition searches are exact again: their
// linearizations merge into one global order (the fast path already checked zxid order against real time).
// Also: each write without a zxid that took effect holds a free zxid of its own (zxid-gaps.ts; partitions'
// choices are checked together), and a session's writes without a zxid keep its issue order (partition-state.ts).
// Reads (getData, exists, getChildren, sync) are not checked here: ZooKeeper reads are only sequentially
// consistent, which another checker covers.

import { performance } from 'node:perf_hooks';
import { checkOperations } from './linearizability/search.js';
import { placedWindows, pushIndex, sessionChains } from './partition-state.js';
import { FreeZxids, zxidsMayRunShort, type GapContext } from './zxid-gaps.js';
import type { Operation, Verdict } from './linearizability/model.js';
import { isZkWrite } from '../history/types.js';
import { countAtMost, countBelow } from './sort.js';
import { KIND, isUncertain, ownPathOnly, WriteTable } from './write-table.js';
import { PathUnion } from './path-union.js';
import { decideRegister, type FreeWrite } from './kv-register.js';
import { applyOp, isSequential, mainPath, maySequentialName, mismatch, newTree, parentOf } from './znode-tree.js';
import {
  replyBoundsOf,
  emptyWindow,
  firstCalledAfter,
  floorViolation,
  kvRegisterExplained,
  zxidGapViolation,
  searchReturnUs,
  zxidWindows,
  boundByAbsentReads,
  floorsHoldInWriteOrder,
} from './write-windows.js';

export { applyOp, newTree, type Outcome, type Tree, type ZNode } from './znode-tree.js';
export { isUncertain } from './write-table.js';
export { sessionEndWrites } from './session-ends.js';
import { boundBySessionEnd, closeDeadlines, closesAtTheirEnd, okCloseReplies, sessionEndWrites } from './session-ends.js';
export { zxidWindows, type ZxidWindow } from './write-windows.js';
import type { ZkHistory, ZkHistoryOp, ZkOp, ZkResult, ZkReturnCode } from '../history/types.js';

export type ZkWitnessOp = {
  readonly id: number;
  readonly client: number;
  readonly session?: number | null;
  readonly zxid: number | null;
  readonly op: ZkOp;
  readonly outcome: ZkHistoryOp['outcome'];
  readonly result: ZkResult | null;
  readonly invokeUs: number;
  readonly completeUs: number | null;
};

export type ZkWitness = {
  readonly reason: string;
  readonly ops: readonly ZkWitnessOp[];
  /** Human-readable: the reason, then one line per op. */
  readonly text: string;
};

export type ZkWritesResult = {
  readonly verdict: Verdict;
  readonly witness?: ZkWitness;
  /** Write operations examined (outcome 'fail' is skipped). */
  readonly checkedOps: number;
  /** Writes that went through the search fallback. */
  readonly searchedOps: number;
  readonly ms: number;
  /** When the verdict is unknown: each partition whose search ran out of budget, its paths and how many of its writes are open. */
  readonly unknownIn?: readonly string[];
};

export type ZkWritesOptions = { readonly stepsMax?: number };

// ---------------------------------------------------------------------------------------------
// Partitions of paths.

export function touchedPaths(op: ZkOp, result: ZkResult | null, joinRoot: boolean, into: string[]): void {
  switch (op.type) {
    case 'create': {
      const parent = parentOf(op.path);
      if (isSequential(op)) {
        into.push(parent);
        if (result?.path !== undefined) into.push(result.path);
      } else {
        into.push(op.path);
        if (parent !== '/' || joinRoot) into.push(parent);
      }
      return;
    }
    case 'delete': {
      into.push(op.path);
      const parent = parentOf(op.path);
      if (parent !== '/' || joinRoot) into.push(parent);
      return;
    }
    case 'multi':
      op.ops.forEach((sub, i) => touchedPaths(sub, result?.results?.[i] ?? null, joinRoot, into));
      return;
    case 'closeSession':
      return; // its ephemeral nodes are joined by the caller
    default:
      into.push(op.path);
      // A name a sequential create without a reply may have made joins its parent, as that create does.
      if (maySequentialName(op.path) && (parentOf(op.path) !== '/' || joinRoot)) into.push(parentOf(op.path));
  }
}

export { hashTree, sameTree, zkPartitionModel, type SearchInput, type SearchOutput, type SearchState } from './zk-partition-model.js';
import { zkPartitionModel, type SearchInput, type SearchOutput } from './zk-partition-model.js';

// ---------------------------------------------------------------------------------------------

export function witnessOf(reason: string, ops: readonly ZkHistoryOp[]): ZkWitness {
  const list: ZkWitnessOp[] = ops.map((o) => ({
    id: o.id,
    client: o.client,
    session: o.session,
    zxid: o.zxid,
    op: o.op,
    outcome: o.outcome,
    result: o.result,
    invokeUs: o.invokeUs,
    completeUs: o.completeUs,
  }));
  const lines = [reason, ...list.map(describeOp)];
  return { reason, ops: list, text: lines.join('\n') };
}

export function describeZxid(zxid: number | null): string {
  if (zxid === null) return 'zxid ?';
  return `zxid ${Math.floor(zxid / 4294967296)}:${zxid % 4294967296}`;
}

export function describeOp(o: ZkWitnessOp): string {
  const op =
    o.op.type === 'multi'
      ? `multi[${o.op.ops.map((s) => `${s.type} ${'path' in s ? s.path : ''}`).join(', ')}]`
      : o.op.type === 'closeSession'
        ? `closeSession 0x${(o.session ?? 0).toString(16)}`
        : `${o.op.type} ${o.op.path}${'data' in o.op && (o.op.type === 'kvSet' || o.op.type === 'kvCas') ? `=${o.op.data}` : ''}`;
  const args = 'version' in o.op && o.op.version !== -1 ? ` v${o.op.version}` : '';
  const result =
    o.result === null
      ? '?'
      : o.result.rc + (o.result.path !== undefined ? ` ${o.result.path}` : '') + (o.result.version !== undefined ? ` version=${o.result.version}` : '');
  const done = o.completeUs === null ? '…' : `${o.completeUs}`;
  return `  #${o.id} client ${o.client} ${op}${args} -> ${result} (${o.outcome}) ${describeZxid(o.zxid)} [${o.invokeUs}us, ${done}us]`;
}

/**
 * `judged`, when the caller has it already: the history's writes whose outcome is not "fail", in file
 * order (what the first pass here collects), as a WriteTable.
 */
export function checkZkWrites(history: ZkHistory | readonly ZkHistoryOp[], options: ZkWritesOptions = {}, judged?: WriteTable): ZkWritesResult {
  const started = performance.now();
  const all = 'ops' in history ? history.ops : history;
  let table = judged;
  if (table === undefined) {
    const found: ZkHistoryOp[] = [];
    for (const o of all) if (o.outcome !== 'fail' && isZkWrite(o.op)) found.push(o);
    table = WriteTable.of(found);
  }
  if ('ops' in history) {
    const closes = closesAtTheirEnd(history, table.writes);
    if (closes !== table.writes) table = WriteTable.of(closes, table.paths);
  }
  const ends = 'ops' in history ? sessionEndWrites(history, table.writes, true) : [];
  // Session ends are rare (service runs): the caller's table is then copied rather than extended.
  if (ends.length > 0) table = WriteTable.of([...table.writes, ...ends], table.paths);
  const writes = table.writes;
  const unknownIn: string[] = [];
  const done = (verdict: Verdict, searchedOps: number, witness?: ZkWitness): ZkWritesResult => {
    const ms = performance.now() - started;
    if (witness !== undefined) return { verdict, witness, checkedOps: writes.length, searchedOps, ms };
    return verdict === 'unknown' ? { verdict, checkedOps: writes.length, searchedOps, ms, unknownIn } : { verdict, checkedOps: writes.length, searchedOps, ms };
  };

  // 1. Zxid order, duplicates, real time. `ordered` holds indices into `writes`; the sorts and scans
  // below read the table's columns, not the records.
  const times = table; // the writes' numbers, as columns
  const zx = times.zxid;
  const floating: number[] = [];
  for (let i = 0; i < writes.length; i++) if (zx[i] !== zx[i]) floating.push(i); // NaN: no zxid
  const ordered = table.byZxid();
  for (let k = 1; k < ordered.length; k++) {
    if (zx[ordered[k - 1]!] === zx[ordered[k]!]) {
      const a = writes[ordered[k - 1]!]!;
      const b = writes[ordered[k]!]!;
      return done('violated', 0, witnessOf(`two writes carry the same ${describeZxid(b.zxid)}`, [a, b]));
    }
  }
  let earliest: ZkHistoryOp | null = null; // among writes with a larger zxid, the one that completed first
  let earliestUs = Number.POSITIVE_INFINITY;
  for (let k = ordered.length - 1; k >= 0; k--) {
    const i = ordered[k]!;
    if (earliest !== null && earliestUs < times.invokeUs[i]!) {
      const o = writes[i]!;
      return done(
        'violated',
        0,
        witnessOf(
          `real-time order broken: #${earliest.id} completed at ${earliestUs}us, before #${o.id} was invoked at ${o.invokeUs}us, yet has the larger zxid`,
          [o, earliest],
        ),
      );
    }
    const completeUs = times.completed[i] === 1 ? times.completeUs[i]! : Number.POSITIVE_INFINITY;
    if (completeUs < earliestUs) {
      earliestUs = completeUs;
      earliest = writes[i]!;
    }
  }

  // A write with a zxid lies above every state a reply showed before it (write-windows.ts, floorViolation),
  // which the real-time check above already shows for a history whose replies are writes only.
  if (!floorsHoldInWriteOrder(all, isZkWrite)) {
    const below = floorViolation(
      ordered.map((i) => writes[i]!),
      replyBoundsOf(all),
      describeZxid,
    );
    if (below !== null) return done('violated', 0, witnessOf(below.reason, below.ops));
  }

  // 2. Partitions touched by writes without a zxid are left to the search (skipped when there are none).
  // Sequential creates under the root read its cversion, which every top-level create and delete bumps.
  let joinRoot = false;
  if (floating.length > 0) {
    for (let i = 0; i < writes.length && !joinRoot; i++)
      if ((times.kind[i] === KIND.create || times.kind[i] === KIND.multi) && sequentialUnderRoot(writes[i]!.op)) joinRoot = true;
  }
  const union = new PathUnion(table.paths);
  const rootOfWrite = new Int32Array(writes.length);
  const searchedRoots = new Set<number>();
  const searched = new Uint8Array(writes.length);
  if (floating.length > 0) {
    const scratch: string[] = [];
    const firstPathId = new Int32Array(writes.length);
    let ephemeralPaths: Map<number, string[]> | null = null; // made at the first closeSession
    // With a sequential create about, a write on a name it may have made also joins that name's parent.
    const sequentialNames = writes.some((o) => o.op.type === 'multi' || (o.op.type === 'create' && isSequential(o.op)));
    for (let i = 0; i < writes.length; i++) {
      // Most writes touch their own path only, whose id the table holds: no record is read.
      if (ownPathOnly(times.kind[i]!) && !(sequentialNames && maySequentialName((writes[i]!.op as { path?: string }).path ?? ''))) {
        firstPathId[i] = union.known(times.pathId[i]!);
        continue;
      }
      const o = writes[i]!;
      scratch.length = 0;
      touchedPaths(o.op, o.result, joinRoot, scratch);
      if (o.op.type === 'closeSession' && o.session !== null) {
        ephemeralPaths ??= ephemeralPathsBySession(writes, joinRoot);
        for (const path of ephemeralPaths.get(o.session) ?? []) scratch.push(path); // not a spread: a session may own any number
      }
      const first = union.id(scratch[0] ?? '/');
      firstPathId[i] = first;
      for (let k = 1; k < scratch.length; k++) union.union(first, union.id(scratch[k]!));
    }
    // Writes without a zxid ordered by real time must be judged together (see the header).
    const byCall = [...floating].sort((a, b) => writes[a]!.invokeUs - writes[b]!.invokeUs);
    let mergeFrom = byCall.length;
    for (const i of floating) {
      const returnUs = searchReturnUs(writes[i]!);
      if (returnUs === Number.POSITIVE_INFINITY) continue;
      const k = firstCalledAfter(byCall, writes, returnUs);
      if (k >= byCall.length) continue;
      union.union(firstPathId[i]!, firstPathId[byCall[k]!]!);
      mergeFrom = Math.min(mergeFrom, k);
    }
    for (let k = mergeFrom + 1; k < byCall.length; k++) union.union(firstPathId[byCall[mergeFrom]!]!, firstPathId[byCall[k]!]!);
    for (let i = 0; i < writes.length; i++) rootOfWrite[i] = union.find(firstPathId[i]!);
    for (const i of floating) searchedRoots.add(rootOfWrite[i]!);
    for (let i = 0; i < writes.length; i++) if (searchedRoots.has(rootOfWrite[i]!)) searched[i] = 1;
  }

  // 3. Replay the zxid order on the tree, checking every result outside the searched partitions.
  const tree = newTree();
  for (let k = 0; k < ordered.length; k++) {
    const i = ordered[k]!;
    if (searched[i] === 1) continue;
    const o = writes[i]!;
    const expected = applyOp(tree, o.op, null, o.session);
    if (isUncertain(o)) continue;
    const why = mismatch(o.result!, expected);
    if (why !== null) {
      // The witness: this write and the previous zxid-ordered write on the same path, if any.
      const path = mainPath(o.op);
      let before: ZkHistoryOp | undefined;
      for (let j = k - 1; j >= 0 && before === undefined; j--) {
        const candidate = writes[ordered[j]!]!;
        if (searched[ordered[j]!] !== 1 && mainPath(candidate.op) === path) before = candidate;
      }
      const ops = before === undefined ? [o] : [before, o];
      return done('violated', 0, witnessOf(`#${o.id} (${describeZxid(o.zxid)}) reported ${why}`, ops));
    }
  }

  // 4. Search fallback, one partition at a time.
  let searchedOps = 0;
  let unknown = false;
  if (searchedRoots.size > 0) {
    // Each group's writes (indices into writes) in history order; those with a zxid, by zxid (`ordered`
    // taken apart: zxids are distinct by now); and those without, in history order.
    const groups = new Map<number, number[]>();
    for (let i = 0; i < writes.length; i++) if (searched[i] === 1) pushIndex(groups, rootOfWrite[i]!, i);
    const rankedOf = new Map<number, number[]>();
    for (const i of ordered) if (searched[i] === 1) pushIndex(rankedOf, rootOfWrite[i]!, i);
    const floatingOf = new Map<number, number[]>();
    for (const i of floating) pushIndex(floatingOf, rootOfWrite[i]!, i);
    let stepsLeft = options.stepsMax ?? 20_000_000;
    const windows = zxidWindows(writes, times, ordered, floating, replyBoundsOf(all));
    boundBySessionEnd(writes, floating, windows);
    const closeReplies = okCloseReplies(writes);
    boundByAbsentReads(all, writes, floating, windows);
    const gap = zxidGapViolation(
      floating.map((i) => writes[i]!),
      windows,
      ordered.map((i) => zx[i]!),
      describeZxid,
    );
    if (gap !== null) return done('violated', 0, witnessOf(gap.reason, gap.ops));
    const free = new FreeZxids(ordered.map((i) => zx[i]!));
    // kvRegisterExplained sets the zxids it gives aside in its own copy, for the next registers; the search and
    // the final check see every free zxid (a search failing for want of one a register took: a false alarm).
    let registerFree = new FreeZxids(ordered.map((i) => zx[i]!));
    // The windows (flat pairs) of the writes without a zxid that took effect in partitions where zxids may
    // run short (zxid-gaps.ts), checked together at the end: partitions share the free zxids. If they do
    // not fit, those partitions are searched again as one, which counts them exactly (the second pass).
    let placed: number[] = [];
    const countedGroups: number[][] = [];
    let groupList: [number, number[], boolean][] = [...groups].map(([root, g]) => [root, g, false]);
    // Which zxids a register's greedy takes depends on what the partitions before it took. When the choices do
    // not fit, the first pass runs again with the partitions that could not place theirs around the others'
    // first (at most RETRIES_MAX times, each O(n log n): the searched partitions' placements are kept in
    // `searchedPlaced`, as the search sees every free zxid and so does not depend on the order).
    const searchedPlaced = new Map<number, number[]>();
    const front: number[] = [];
    let notPlaced: number[] = []; // this round's counted partitions that the greedy did not place around the others'
    let deferred = false; // a partition of this round left for the next, with it first
    for (let pass = 0, retries = 0; pass < 2 && groupList.length > 0; pass++) {
      for (const [root, groupIndices, merged] of groupList) {
        const rankedIndices = rankedOf.get(root) ?? [];
        const group = groupIndices.map((i) => writes[i]!);
        const ranked = rankedIndices.map((i) => writes[i]!);
        const rankOf = new Map<ZkHistoryOp, number>();
        ranked.forEach((o, i) => rankOf.set(o, i));
        const zxids = ranked.map((o) => o.zxid!);
        const placing = group.map((o) => {
          const window = windows.get(o);
          // Ranks r with every ranked write of zxid <= lo before it and every one of zxid >= hi after it.
          // An empty window (no zxid in it): ranks no state has, so an indeterminate write never takes effect.
          const empty = emptyWindow(window);
          const minRank = window === undefined ? 0 : empty ? ranked.length + 1 : countBelow(zxids, window.lo + 1);
          const maxRank = window === undefined ? ranked.length : empty ? -1 : countBelow(zxids, window.hi);
          return { lo: window?.lo ?? 0, hi: window?.hi ?? Number.POSITIVE_INFINITY, minRank, maxRank, rank: rankOf.get(o) ?? -1 };
        });
        // The writes without a zxid take free zxids between the ranked ones: counted where they may run short,
        // against every write without a zxid of the history (other partitions take free zxids too).
        const gaps: GapContext = { ranked: zxids, free };
        const counted =
          merged ||
          zxidsMayRunShort(
            gaps,
            placing.filter((x) => x.rank < 0),
            floating.length,
          );
        if (counted) countedGroups.push(groupIndices);
        const slotted: number[] = [];
        const registerCount = counted ? { free: registerFree, slotted } : undefined;
        if (kvRegisterExplained(table, groupIndices, rankedIndices, floatingOf.get(root) ?? [], windows, registerCount)) {
          searchedOps += groupIndices.length;
          for (const z of slotted) placed.push(z);
          continue;
        }
        if (counted && !merged) {
          notPlaced.push(root);
          // The greedy places it with every free zxid, only not around the zxids taken before it: rather than
          // search it, the round runs again with it first (no verdict comes from this round then).
          const alone = { free: new FreeZxids(free.known), slotted: [] };
          if (
            retries < RETRIES_MAX &&
            !front.includes(root) &&
            kvRegisterExplained(table, groupIndices, rankedIndices, floatingOf.get(root) ?? [], windows, alone)
          ) {
            deferred = true;
            continue;
          }
        }
        const known = searchedPlaced.get(root);
        if (known !== undefined) {
          searchedOps += groupIndices.length;
          registerFree.takeInOrder(known);
          for (const z of known) placed.push(z);
          continue;
        }
        const chains = sessionChains(
          group,
          placing.map((x) => x.rank < 0),
          counted,
        );
        const deadlines = closeDeadlines(
          group,
          placing.map((x) => x.rank < 0),
          closeReplies,
          chains.reduce((n, c) => Math.max(n, c === undefined ? 0 : c.slot + 1), 0),
        );
        const ops: Operation<SearchInput, SearchOutput>[] = group.map((o, k) => {
          const uncertain = isUncertain(o);
          const { lo, hi, minRank, maxRank, rank } = placing[k]!;
          const base: SearchInput = { op: o.op, rank, minRank, maxRank, session: o.session };
          const withGaps: SearchInput = counted && rank < 0 ? { ...base, gaps, lo, hi } : base;
          const chain = chains[k];
          const chained: SearchInput = chain === undefined ? withGaps : { ...withGaps, chain };
          const d = deadlines.deadline[k];
          const late = deadlines.late[k];
          const input: SearchInput = d === undefined && late === undefined ? chained : { ...chained, ...(d === undefined ? {} : { deadline: d }), ...(late === undefined ? {} : { late }) };
          return {
            client: o.client,
            input,
            output: { unknown: uncertain, result: uncertain ? null : o.result },
            call: o.invokeUs,
            return: searchReturnUs(o),
          };
        });
        searchedOps += ops.length;
        // One KV register with indeterminate writes only: decided without search (kv-register.ts). The
        // window's lower end already puts a write after every ranked write that completed before its call.
        // decideRegister reads only a window's lower end: used when no window has an upper end or is empty.
        const lowerOnly = group.every((o) => {
          const w = windows.get(o);
          return w === undefined || (w.hi === Number.POSITIVE_INFINITY && !emptyWindow(w));
        });
        if (lowerOnly && group.every((o) => (o.op.type === 'kvSet' || o.op.type === 'kvCas') && o.op.path === (group[0]!.op as { path: string }).path)) {
          const free: FreeWrite[] = [];
          ops.forEach((x, k) => {
            if (x.input.rank < 0) free.push({ write: group[k]!, minRank: x.input.minRank });
          });
          const decided = decideRegister(
            ranked.map((o) => ({ write: o })),
            free,
          );
          // Without the zxid count: a violation stands; ok holds only where zxids cannot run short.
          if (decided?.verdict === 'ok' && !counted) continue;
          if (decided?.verdict === 'violated')
            return done('violated', searchedOps, witnessOf(`${(group[0]!.op as { path: string }).path}: ${decided.reason}`, decided.ops));
        }
        const result = checkOperations(zkPartitionModel, ops, { stepsMax: stepsLeft });
        stepsLeft = Math.max(0, stepsLeft - result.steps);
        if (result.verdict === 'violated') {
          const w = result.witness!;
          const stuck = w.unplaced.slice(0, 3).map((i) => group[i]!);
          const tail = w.longestPrefix.slice(-3).map((i) => group[i]!);
          // The writes outside the partition that pin a window of a write without a zxid, at most two.
          const inGroup = new Set(group);
          const pins: ZkHistoryOp[] = [];
          for (const o of group) {
            const win = windows.get(o);
            for (const pin of [win?.loOp, win?.hiOp]) if (pin != null && !inGroup.has(pin) && !pins.includes(pin) && pins.length < 2) pins.push(pin);
          }
          const reason =
            `no order of the ${group.length} writes on ${describePartition(group, joinRoot)} explains their results ` +
            `(zxid order kept). The longest consistent prefix has ${w.longestPrefix.length} writes and ends with the first ${tail.length} listed; none of the remaining ${stuck.length === w.unplaced.length ? '' : 'such as the '}ops listed after them can come next` +
            (pins.length === 0
              ? ''
              : `; the last ${pins.length} listed, outside the partition, bound by zxid and real time when the writes without a zxid can take effect`);
          return done('violated', searchedOps, witnessOf(reason, [...tail, ...stuck, ...pins]));
        }
        if (result.verdict === 'unknown') {
          unknown = true;
          const open = `${group.filter((o) => o.zxid === null).length} without a zxid, ${group.filter(isUncertain).length} open`;
          unknownIn.push(`the write search's budget ran out on the partition of ${describePartition(group, joinRoot)} (${group.length} writes, ${open})`);
        } else if (counted) {
          const mine: number[] = [];
          placedWindows(zkPartitionModel, ops, result.linearizations![0] ?? [], mine);
          if (!merged) searchedPlaced.set(root, mine);
          // Set aside when they fit around the zxids taken so far (if not, the check below fails).
          registerFree.takeInOrder(mine);
          for (const z of mine) placed.push(z);
        }
      }
      if (!deferred && (placed.length === 0 || free.fits(placed))) break;
      const moved = notPlaced.filter((root) => !front.includes(root));
      if (pass === 0 && (deferred || !unknown) && moved.length > 0 && retries < RETRIES_MAX) {
        // Again, with the partitions that did not fit around the others' choices first.
        retries++;
        front.unshift(...moved);
        const rank = (root: number): number => (front.includes(root) ? front.indexOf(root) : front.length);
        groupList = [...groupList].sort((a, b) => rank(a[0]) - rank(b[0]));
        notPlaced = [];
        placed = [];
        searchedOps = 0; // every partition is decided again
        deferred = false;
        unknown = false;
        unknownIn.length = 0;
        countedGroups.length = 0;
        registerFree = new FreeZxids(ordered.map((i) => zx[i]!));
        pass--;
        continue;
      }
      // The partitions' choices together need more free zxids than there are: search them as one.
      const all = countedGroups.flat().sort((a, b) => a - b);
      const inAll = new Set(all);
      for (const [of, from] of [[rankedOf, ordered] as const, [floatingOf, floating] as const])
        of.set(
          -1,
          from.filter((i) => inAll.has(i)),
        );
      groupList = [[-1, all, true]];
      placed = [];
      registerFree = new FreeZxids(ordered.map((i) => zx[i]!));
    }
  }
  return done(unknown ? 'unknown' : 'ok', searchedOps);
}

/** How many times the first pass of the write search may run again in another partition order. */
const RETRIES_MAX = 4;

/** The paths (and parents) of every ephemeral create, by session: what that session's close touches. */
export function ephemeralPathsBySession(writes: readonly ZkHistoryOp[], joinRoot: boolean): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (op: ZkOp, result: ZkResult | null, session: number): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, session));
    else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
      const list = out.get(session) ?? [];
      touchedPaths(op, result, joinRoot, list);
      out.set(session, list);
    }
  };
  for (const o of writes) if (o.session !== null) visit(o.op, o.result, o.session);
  return out;
}

export function sequentialUnderRoot(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(sequentialUnderRoot);
  return op.type === 'create' && isSequential(op) && parentOf(op.path) === '/';
}

function describePartition(group: readonly ZkHistoryOp[], joinRoot: boolean): string {
  const paths = new Set<string>();
  const scratch: string[] = [];
  for (const o of group) {
    scratch.length = 0;
    touchedPaths(o.op, o.result, joinRoot, scratch);
    for (const p of scratch) paths.add(p);
  }
  const list = [...paths].sort();
  return list.length <= 4 ? list.join(', ') : `${list.slice(0, 4).join(', ')} and ${list.length - 4} more paths`;
}
