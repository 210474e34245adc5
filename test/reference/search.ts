// The reference checker's search (DEFINITIONS.md §5): depth-first over executions, one placement at a
// time: a txn (applied to the tree, its result judged), a reply (judged at the current state: its read
// point), or a watch event (matched to the watch a txn triggered). Each rule of DEFINITIONS.md is
// checked where its name appears; `rules` says which guarantees' rules are on. Failed states are
// remembered; everything the future depends on is in the state's key.
import { applyTxn, initialTree, treeKey, type RefTree, type Trigger, type WatchEventType, type WatchKind } from './tree-model.js';
import { arrivesBefore, type EventItem, type Prepared, type ReplyItem, type TxnItem } from './items.js';
import { judgeRead, pathsSeen, writeMismatch, type MzxidFact } from './judge.js';
import { deliveriesOf, keyOf, type Delivery, type PWatch } from './persistent.js';

export type Rules = {
  readonly lw: boolean;
  readonly sr: boolean;
  readonly fifo: boolean;
  readonly wo: boolean;
  readonly se: boolean;
  readonly syncIsLinearizable: boolean;
  /** Rules (DEFINITIONS.md names) switched off. */
  readonly off?: ReadonlySet<string>;
};

export type SearchAnswer = { readonly verdict: 'ok' | 'violated' | 'too-large'; readonly rule?: string };

type Watch = {
  readonly path: string;
  readonly kind: WatchKind;
  readonly conn: number;
  /** held: set, not triggered; pending: triggered by `txn`, its event not yet arrived; loose: see DEFINITIONS.md. */
  readonly status: 'held' | 'pending' | 'loose';
  readonly type: WatchEventType | null;
  /** Pending: the txn that triggered it; loose: the first txn since registration that changed the path (null while none). */
  readonly txn: TxnItem | null;
  /** Pending on a path whose ACL may deny READ: the event may never come. */
  readonly optional: boolean;
  /** Loose: some txn since registration changed the path. */
  readonly changed: boolean;
  /** Every txn since registration that triggered this watch's kind on its path, in order (the event-zxid rule). */
  readonly changes: readonly TxnItem[];
  /** The event type each of `changes` fires on this watch (the same length). */
  readonly types: readonly WatchEventType[];
  /** Set by an exists on a missing node (the client's existWatches): DataTree.setWatches only fires NodeCreated for it. */
  readonly exist: boolean;
  /** Triggered, and the path deleted since (a NodeDeleted trigger after the first): an exists watch may then be registered again silently. */
  readonly deletedSince: boolean;
};

const ZXID_EPOCH = 2 ** 32;

class TooLarge extends Error {}

/**
 * Whether pending watch `w` (triggered by a txn placed before `r`'s read point) owes its event before reply
 * `r` (DEFINITIONS.md §4, watch-lost); `present`: whether its path exists in the state the check is made at.
 * On its own connection, always. On a later one too: the client still holds the watch and re-sent it with
 * setWatches ahead of `r`'s request (ClientCnxn.primeConnection), with its last zxid, below the trigger
 * (every reply reflecting the trigger came after the event, so far); DataTree.setWatches either fired it at
 * once (the path changed since that zxid) or registered it before the trigger reached that server, which
 * then fired it, ahead of `r`'s reply either way. Except an exists watch whose node was deleted again: if
 * setWatches ran after the delete, with the node missing, it registered the watch anew silently. That
 * is possible only while the node is missing at `r`'s read point: checked before a write's txn (the last
 * state setWatches may have seen) and after it (a create by `r` itself fires the re-registered watch), so
 * the watch is owed exactly when the node exists at either. Had setWatches run before the delete, it fired.
 */
function owed(w: Watch, r: ReplyItem, present: boolean): boolean {
  if (w.conn === r.conn) return true;
  return w.conn < r.conn && !(w.exist && w.deletedSince && !present);
}

/**
 * Whether DataTree.setWatches can send `type` for watch `w` given the changes since it was registered
 * (DEFINITIONS.md §4): NodeDeleted only when the node was deleted; NodeDataChanged (a data watch) when its
 * data was set or the node re-created (a newer mzxid); NodeChildrenChanged (a child watch) when a child came
 * or went, or the node was deleted (and re-created: a newer pzxid); NodeCreated (an exists watch) when
 * the node was created.
 */
function setWatchesSends(w: Watch, type: WatchEventType): boolean {
  switch (type) {
    case 'NodeDeleted':
      return w.types.includes('NodeDeleted');
    case 'NodeDataChanged':
      return w.types.includes('NodeDataChanged') || w.types.includes('NodeCreated');
    case 'NodeChildrenChanged':
      return w.types.includes('NodeChildrenChanged') || w.types.includes('NodeDeleted');
    case 'NodeCreated':
      return w.types.includes('NodeCreated');
  }
}

function arrivalBefore(e: EventItem, r: ReplyItem): boolean {
  return arrivesBefore(e.ev.atUs, e.ev.seq ?? -1, true, r.arrivalUs, r.arrivalSeq, false);
}

/**
 * The events DataTree.setWatches may send a re-sent watch (DEFINITIONS.md §4): NodeCreated to an exists
 * watch set on a missing node; NodeDataChanged or NodeDeleted to a data watch set on an existing node;
 * NodeChildrenChanged or NodeDeleted to a child watch.
 */
function compatible(w: Watch, type: WatchEventType): boolean {
  if (w.kind === 'child') return type === 'NodeChildrenChanged' || type === 'NodeDeleted';
  return w.exist ? type === 'NodeCreated' : type === 'NodeDataChanged' || type === 'NodeDeleted';
}

export class Search {
  private readonly placed: Uint8Array;
  /** The placed items as a bit mask (at most 30 items, so exact in a double). */
  private placedMask = 0;
  private readonly isNeeded: Uint8Array;
  private needed = 0;
  private readonly order: TxnItem[] = [];
  private readonly trees: RefTree[] = [initialTree()];
  /** treeKey of each tree on the stack, computed once. */
  private readonly treeKeys: string[] = [treeKey(this.trees[0]!)];
  private readonly markers: { readonly len: number; readonly zxid: number }[] = [];
  private readonly pins = new Map<number, number>();
  /** Upper bounds on unknown zxids (txn id → largest zxid it may have): a re-registered watch's event zxid. */
  private readonly bounds = new Map<number, number>();
  /** Lower bounds on unknown zxids (txn id → a zxid it lies above): a write sent after a setWatches event's state. */
  private readonly lows = new Map<number, number>();
  private readonly endLen = new Map<number, number>();
  private watches = new Map<number, readonly Watch[]>();
  /** Per session: its persistent watches, and the deliveries they queued whose events have not arrived (DEFINITIONS.md §4). */
  private pws = new Map<number, readonly PWatch[]>();
  private dels = new Map<number, readonly Delivery[]>();
  private openReply: ReplyItem | null = null;
  /** The read placed last, when reads commute (see tryRead); part of the state's key. */
  private lastRead: { readonly id: number; readonly len: number } | null = null;
  private readonly failed = new Set<string>();
  private visits = 0;
  /** The failure with the most replies and events placed, then the fewest free txns, then the last found (zxid-order, which only says a cut does not fit there, last). */
  private best = { observed: -1, free: 0, rule: '' };
  /** Replies and events placed so far, and txns placed that no reply asked for (info writes, ends). */
  private observed = 0;
  private free = 0;
  private readonly lwBefore = new Map<number, TxnItem[]>();
  private readonly srBefore = new Map<number, ReplyItem[]>();
  private readonly woBefore = new Map<number, EventItem[]>();
  /** Per info write: the ok replies its session issued before it (session-order, DEFINITIONS.md §4). */
  private readonly sessionBefore = new Map<number, ReplyItem[]>();
  private readonly freeTxns: TxnItem[];
  /** Per session and connection (`skey:conn`): the least recorded zxid of its ok writes, and of its reply-header zxids. */
  private readonly connAfter = new Map<string, { write: number; header: number }>();
  /** Per session and connection (`skey:conn`): the txns of its ok writes whose zxid is not recorded. */
  private readonly connWrites = new Map<string, TxnItem[]>();
  private readonly mandatory: TxnItem[];

  private readonly p: Prepared;
  private readonly rules: Rules;
  private readonly budget: number;

  constructor(p: Prepared, rules: Rules, budget: number) {
    this.p = p;
    this.rules = rules;
    this.budget = budget;
    this.placed = new Uint8Array(p.items.length);
    this.isNeeded = new Uint8Array(p.items.length);
    for (const it of p.items) {
      const needed = it.kind === 'txn' ? it.mandatory && it.reply === null : it.kind === 'reply' || rules.wo;
      if (needed) {
        this.isNeeded[it.id] = 1;
        this.needed++;
      }
    }
    const reads = p.replies.filter((r) => r.txn === null);
    for (const t of p.txns) {
      this.lwBefore.set(
        t.id,
        p.txns.filter((b) => b !== t && b.mandatory && b.completeUs !== null && b.completeUs < t.invokeUs),
      );
      this.srBefore.set(
        t.id,
        reads.filter((r) => r.arrivalUs < t.invokeUs),
      );
      // Events that arrived before the txn was sent: those before its invocation, and its session's events on an
      // older connection than its reply's (an ok write was sent on the connection it was answered on, which
      // began after them: ClientCnxn fails the requests of a broken connection with connectionLoss).
      const conn = t.reply?.conn;
      this.woBefore.set(
        t.id,
        p.events.filter((e) => e.ev.atUs < t.invokeUs || (conn !== undefined && e.skey === t.skey && e.conn < conn)),
      );
      if (!t.mandatory && t.hop !== null)
        this.sessionBefore.set(
          t.id,
          p.replies.filter((r) => r.skey === t.skey && r.hop.invokeUs < t.invokeUs),
        );
    }
    for (const r of p.replies) {
      const k = `${r.skey}:${r.conn}`;
      const a = this.connAfter.get(k) ?? { write: Infinity, header: Infinity };
      const w = r.txn?.zxid ?? null;
      const h = r.hop.readZxid ?? null;
      this.connAfter.set(k, { write: w !== null ? Math.min(a.write, w) : a.write, header: h !== null ? Math.min(a.header, h) : a.header });
      if (r.txn !== null && w === null) this.connWrites.set(k, [...(this.connWrites.get(k) ?? []), r.txn]);
    }
    this.freeTxns = p.txns.filter((t) => t.reply === null);
    this.mandatory = p.txns.filter((t) => t.mandatory);
    // With no read rule on (linearizable-writes alone), a read without readZxid constrains nothing.
    if (!rules.sr && !rules.fifo && !rules.wo && !rules.se) for (const r of reads) if (r.hop.readZxid === undefined || r.hop.readZxid === null) this.mark(r.id);
  }

  run(): SearchAnswer {
    if (this.epochZero()) return { verdict: 'violated', rule: 'zxid-order' };
    if (this.rules.fifo) {
      const why = this.on('fifo-complete-order') ? this.fifoCompleteOrder() : null;
      if (why !== null) return { verdict: 'violated', rule: 'fifo-complete-order' };
    }
    // A txn seen committed before it was invoked (an ENDED record that names a close invoked after it).
    if (this.rules.lw && this.on('write-real-time') && this.mandatory.some((t) => t.completeUs !== null && t.completeUs < t.invokeUs))
      return { verdict: 'violated', rule: 'write-real-time' };
    if ((this.rules.sr || this.rules.fifo) && this.on('session-order') && this.headerZxidsDecrease() !== null)
      return { verdict: 'violated', rule: 'session-order' };
    try {
      if (this.dfs()) return { verdict: 'ok' };
    } catch (e) {
      if (e instanceof TooLarge) return { verdict: 'too-large', rule: `more than ${this.budget} states` };
      throw e;
    }
    return { verdict: 'violated', rule: this.best.rule || 'zxid-order' };
  }

  /**
   * zxid-order (DEFINITIONS.md §1): a recorded zxid of epoch 0 (1 .. 2^32 - 1), which no execution has: a
   * txn's zxid, an ENDED record's, a reply header's, a Stat's mzxid, or an event's known zxid; and a txn's
   * zxid or a Stat's mzxid at counter 0 of a later epoch (the NEWLEADER zxid).
   */
  private epochZero(): boolean {
    const ez = (z: number | null | undefined): boolean => z !== null && z !== undefined && z > 0 && z < ZXID_EPOCH;
    // A txn's zxid, and so a Stat's mzxid, is never counter 0 of an epoch either (the NEWLEADER zxid, §1).
    const noTxn = (z: number | null | undefined): boolean => ez(z) || (z !== null && z !== undefined && z > 0 && z % ZXID_EPOCH === 0);
    for (const t of this.p.txns) if (noTxn(t.zxid)) return true;
    for (const r of this.p.replies) {
      const res = r.hop.result;
      if (ez(r.hop.readZxid) || noTxn(res?.mzxid) || (res?.results ?? []).some((x) => noTxn(x.mzxid))) return true;
    }
    return this.p.events.some((e) => ez(e.ev.zxid));
  }

  /** fifo-complete-order: a session's ok replies arrive in issue order. */
  private fifoCompleteOrder(): string | null {
    for (const v of this.p.sessions.values()) {
      for (let i = 1; i < v.replies.length; i++) {
        const a = v.replies[i - 1]!;
        const b = v.replies[i]!;
        if (arrivesBefore(b.arrivalUs, b.arrivalSeq, false, a.arrivalUs, a.arrivalSeq, false)) return `#${b.hop.id} before #${a.hop.id}`;
      }
    }
    return null;
  }

  /**
   * session-order on the values (DEFINITIONS.md §4): a session's ok replies carry reply-header zxids
   * that never decrease in issue order, even where no txn has the larger value (the read points alone
   * would allow 1:4 then 1:3 when no txn lies between). FinalRequestProcessor.processRequest stamps
   * every reply with DataTree.lastProcessedZxid, which only grows; CommitProcessor runs one session's
   * requests in order; ClientCnxn keeps the last header zxid as lastZxid, and
   * ZooKeeperServer.processConnectRequest refuses a reconnect to a server behind it.
   */
  private headerZxidsDecrease(): string | null {
    for (const v of this.p.sessions.values()) {
      let seen: ReplyItem | null = null;
      for (const r of v.replies) {
        const z = r.hop.readZxid;
        if (z === undefined || z === null) continue;
        if (seen !== null && z < seen.hop.readZxid!) return `#${r.hop.id} readZxid ${z} after #${seen.hop.id} readZxid ${seen.hop.readZxid}`;
        seen = r;
      }
    }
    return null;
  }

  /** False for a rule switched off (reference.ts relaxes one rule at a time to name a violation). */
  private on(rule: string): boolean {
    return this.rules.off === undefined || !this.rules.off.has(rule);
  }

  private note(rule: string): false {
    const b = this.best;
    const tie = this.observed === b.observed && this.free === b.free;
    if (this.observed > b.observed || (this.observed === b.observed && this.free < b.free) || (tie && (rule !== 'zxid-order' || b.rule === 'zxid-order'))) {
      this.best = { observed: this.observed, free: this.free, rule };
    }
    return false;
  }

  /** Marks item `id` placed; `needed` counts the mandatory txns, replies and (with watches) events still to place. */
  private mark(id: number): void {
    this.placed[id] = 1;
    this.placedMask += 2 ** id;
    if (this.isNeeded[id] === 1) this.needed--;
  }

  private unmark(id: number): void {
    this.placed[id] = 0;
    this.placedMask -= 2 ** id;
    if (this.isNeeded[id] === 1) this.needed++;
  }

  private complete(): boolean {
    return this.openReply === null && this.needed === 0;
  }

  /**
   * Everything the rest of the search depends on: which items are placed, the tree (it holds the txn
   * ids that Stat mzxids may still name), the zxid structure of the order (recorded or pinned zxids,
   * readZxid cuts, and unknown zxids, named only when a later fact may pin them), the watches, the
   * open reply and the last commuting read. Orders that reach the same key are interchangeable.
   */
  private key(): string {
    const w: string[] = [];
    const named = new Set<number>();
    for (const [s, list] of this.watches) {
      if (list.length === 0) continue;
      w.push(
        `${s}:${list.map((x) => `${x.path},${x.kind},${x.conn},${x.status},${x.type},${x.txn?.id},${x.optional ? 1 : 0}${x.changed ? 1 : 0}${x.exist ? 1 : 0}${x.deletedSince ? 1 : 0},${x.changes.map((c) => c.id).join('.')}`).join(';')}`,
      );
      for (const x of list) if (x.txn !== null) named.add(x.txn.id);
    }
    for (const [s, list] of this.pws) {
      const ds = this.dels.get(s) ?? [];
      if (list.length > 0 || ds.length > 0) w.push(`p${s}:${keyOf(list, ds)}`);
      for (const d of ds) named.add(d.txn.id);
    }
    const tree = this.trees[this.trees.length - 1]!;
    for (const n of tree.nodes.values()) named.add(n.mzxidTxn);
    for (const r of tree.registers.values()) named.add(r.mzxidTxn);
    const zx: string[] = [];
    let m = 0;
    for (let i = 0; i <= this.order.length; i++) {
      while (m < this.markers.length && this.markers[m]!.len === i) zx.push(`m${this.markers[m++]!.zxid}`);
      if (i === this.order.length) break;
      const t = this.order[i]!;
      const z = t.zxid ?? this.pins.get(t.id);
      zx.push(z !== undefined ? (named.has(t.id) && t.zxid === null ? `${z}#${t.id}` : `${z}`) : named.has(t.id) ? `u${t.id}` : 'u');
    }
    const lastRead = this.lastRead !== null && this.lastRead.len === this.order.length ? this.lastRead.id : '';
    const bounds = [...[...this.bounds].map(([id, z]) => `${id}<=${z}`), ...[...this.lows].map(([id, z]) => `${id}>${z}`)].join(',');
    return [this.placedMask, this.treeKeys[this.treeKeys.length - 1]!, zx.join(','), bounds, w.join('/'), this.openReply?.id ?? '', lastRead].join('|');
  }

  private dfs(): boolean {
    if (this.complete()) return true;
    if (++this.visits > this.budget) throw new TooLarge();
    const key = this.key();
    if (this.failed.has(key)) return false;
    const found = this.tryAll();
    if (!found) this.failed.add(key);
    return found;
  }

  private tryAll(): boolean {
    const open = this.openReply;
    if (open !== null) {
      // An ok write's txn is placed; its own session's events may arrive before its reply.
      if (this.rules.wo) {
        const e = this.nextEvent(open.skey);
        if (e !== null && arrivalBefore(e, open) && this.tryEvent(e)) return true;
      }
      return this.trySeal(open);
    }
    for (const t of this.freeTxns) if (this.placed[t.id] === 0 && this.tryTxn(t, null)) return true;
    if (this.rules.wo && this.pws.size > 0)
      for (const v of this.p.sessions.values()) {
        const target = this.moveTarget(v.skey);
        if (target !== null && this.tryMove(v.skey, target)) return true;
      }
    for (const v of this.p.sessions.values()) {
      for (const r of v.replies) {
        if (this.placed[r.id] !== 0) continue;
        if (this.tryReply(r)) return true;
        if ((this.rules.sr || this.rules.fifo) && this.on('session-order')) break; // session-order: the next reply in issue order only
      }
      if (this.rules.wo) {
        const e = this.nextEvent(v.skey);
        if (e !== null && this.tryEvent(e)) return true;
      }
    }
    return false;
  }

  private nextEvent(skey: number): EventItem | null {
    for (const e of this.p.sessions.get(skey)?.events ?? []) if (this.placed[e.id] === 0) return e;
    return null;
  }

  // ---------------------------------------------------------------------------------------- zxids

  /** zxid-order: a greedy (smallest) zxid assignment along the order meets every recorded zxid, pin and readZxid cut. */
  private zxidFeasible(): boolean {
    let cur = ZXID_EPOCH; // the first txn zxid is 1:1: no zxid of epoch 0 is issued (DEFINITIONS.md §1)
    let last = 0;
    let m = 0;
    for (let i = 0; ; i++) {
      while (m < this.markers.length && this.markers[m]!.len === i) {
        const r = this.markers[m]!.zxid;
        if (last > r) return false;
        cur = Math.max(cur, r);
        m++;
      }
      if (i === this.order.length) return true;
      const t = this.order[i]!;
      const z = t.zxid ?? this.pins.get(t.id) ?? null;
      const low = this.lows.get(t.id);
      if (z === null) {
        cur++;
        if (low !== undefined && cur <= low) cur = low + 1;
        if (cur % ZXID_EPOCH === 0) cur++;
      } else {
        if (z <= cur || (low !== undefined && z <= low)) return false;
        cur = z;
      }
      // The greedy assignment is the smallest at every position, so an upper bound holds iff it holds here.
      const bound = this.bounds.get(t.id);
      if (bound !== undefined && cur > bound) return false;
      last = cur;
    }
  }

  /** States that txn `txn` (null: the initial tree, zxid 0) has zxid `zxid`; returns an undo, or null if impossible. */
  private pin(txn: TxnItem | null, zxid: number): (() => void) | null {
    if (txn === null) return zxid === 0 ? () => {} : null;
    if (txn.zxid !== null) return txn.zxid === zxid ? () => {} : null;
    const had = this.pins.get(txn.id);
    if (had !== undefined) return had === zxid ? () => {} : null;
    this.pins.set(txn.id, zxid);
    if (!this.zxidFeasible()) {
      this.pins.delete(txn.id);
      return null;
    }
    return () => this.pins.delete(txn.id);
  }

  /** States that placed txn `txn` has a zxid of at most `zxid`; returns an undo, or null if impossible. */
  private bound(txn: TxnItem, zxid: number): (() => void) | null {
    const known = txn.zxid ?? this.pins.get(txn.id);
    if (known !== undefined) return known <= zxid ? () => {} : null;
    const had = this.bounds.get(txn.id);
    if (had !== undefined && had <= zxid) return () => {};
    this.bounds.set(txn.id, zxid);
    const undo = () => (had === undefined ? this.bounds.delete(txn.id) : this.bounds.set(txn.id, had));
    if (!this.zxidFeasible()) {
      undo();
      return null;
    }
    return () => void undo();
  }

  /**
   * States that each of `txns` has a zxid above `zxid`; returns an undo, or null if impossible (checked on the
   * placed ones now, on the others as they are placed or pinned).
   */
  private above(txns: readonly TxnItem[], zxid: number): (() => void) | null {
    const undos: (() => void)[] = [];
    const undoAll = () => {
      for (const u of undos.reverse()) u();
    };
    for (const t of txns) {
      const known = t.zxid ?? this.pins.get(t.id);
      if (known !== undefined) {
        if (known > zxid) continue;
        undoAll();
        return null;
      }
      const had = this.lows.get(t.id);
      if (had !== undefined && had >= zxid) continue;
      this.lows.set(t.id, zxid);
      undos.push(() => (had === undefined ? this.lows.delete(t.id) : this.lows.set(t.id, had)));
    }
    if (undos.length > 0 && !this.zxidFeasible()) {
      undoAll();
      return null;
    }
    return undoAll;
  }

  private txnById(id: number): TxnItem | null {
    if (id < 0) return null;
    return this.p.items[id] as TxnItem;
  }

  // ---------------------------------------------------------------------------------------- txns

  private tryTxn(t: TxnItem, reply: ReplyItem | null): boolean {
    const ended = this.endLen.has(t.skey);
    // A session ends once; an ok close after that is a second closeSession txn, which changes nothing
    // (PrepRequestProcessor does not check a closeSession's session). An unseen end after it is nothing.
    if (ended && t.isEnd && !t.mandatory) return false;
    const firstEnd = t.isEnd && !ended;
    if (ended && !t.mandatory) return false; // session-effect: an info write after its session's end had no effect
    for (const b of this.lwBefore.get(t.id)!) if (this.rules.lw && this.placed[b.id] === 0 && this.on('write-real-time')) return this.note('write-real-time');
    for (const b of this.srBefore.get(t.id)!) if (this.rules.sr && this.placed[b.id] === 0 && this.on('read-real-time')) return this.note('read-real-time');
    for (const b of this.woBefore.get(t.id)!)
      if (this.rules.wo && this.placed[b.id] === 0 && this.on('watch-before-data')) return this.note('watch-before-data');
    // session-order for an info write: the client sent it after every op its session issued before it.
    for (const r of this.sessionBefore.get(t.id) ?? [])
      if ((this.rules.lw || this.rules.sr || this.rules.fifo) && this.placed[r.id] === 0 && this.on('session-order')) return this.note('session-order');
    const tree = this.trees[this.trees.length - 1]!;
    const applied = applyTxn(tree, t.op, t.session, t.id);
    if (this.rules.lw && reply !== null && this.on('write-result')) {
      const res = reply.hop.result!;
      if (writeMismatch(res, applied.result) !== null) return this.note('write-result');
      if (res.mzxid !== undefined && t.zxid !== null && res.mzxid !== t.zxid) return this.note('write-result');
    }
    this.order.push(t);
    this.trees.push(applied.tree);
    this.treeKeys.push(applied.tree === tree ? this.treeKeys[this.treeKeys.length - 1]! : treeKey(applied.tree));
    this.mark(t.id);
    if (firstEnd) this.endLen.set(t.skey, this.order.length);
    const savedWatches = this.snap();
    let found = false;
    if (!this.zxidFeasible()) this.note('zxid-order');
    else {
      if (this.rules.wo) {
        this.trigger(t, applied.triggers);
        this.triggerPersistent(t, applied.triggers);
      }
      this.openReply = reply;
      if (reply === null) this.free++;
      found = this.dfs();
      if (reply === null) this.free--;
      this.openReply = null;
    }
    this.restore(savedWatches);
    if (firstEnd) this.endLen.delete(t.skey);
    this.unmark(t.id);
    this.trees.pop();
    this.treeKeys.pop();
    this.order.pop();
    return found;
  }

  private snap(): readonly [Map<number, readonly Watch[]>, Map<number, readonly PWatch[]>, Map<number, readonly Delivery[]>] {
    return [this.watches, this.pws, this.dels];
  }

  private restore(s: readonly [Map<number, readonly Watch[]>, Map<number, readonly PWatch[]>, Map<number, readonly Delivery[]>]): void {
    [this.watches, this.pws, this.dels] = s;
  }

  /** The events txn `t` queues through the sessions' persistent watches (persistent.ts deliveriesOf). */
  private triggerPersistent(t: TxnItem, triggers: readonly Trigger[]): void {
    if (triggers.length === 0 || this.pws.size === 0) return;
    let next: Map<number, readonly Delivery[]> | null = null;
    for (const [s, list] of this.pws) {
      if (list.length === 0) continue;
      const add = deliveriesOf(t, triggers, list, this.p.restricted);
      if (add.length === 0) continue;
      next ??= new Map(this.dels);
      next.set(s, [...(this.dels.get(s) ?? []), ...add]);
    }
    if (next !== null) this.dels = next;
  }

  /** The watches txn `t` triggers become pending (one event per session and path); loose ones note a change. */
  private trigger(t: TxnItem, triggers: readonly Trigger[]): void {
    if (triggers.length === 0) return;
    const next = new Map<number, readonly Watch[]>();
    for (const [s, list] of this.watches) {
      let changed = false;
      const out = list.map((w) => {
        const hit = triggers.find((g) => g.path === w.path && g.kind === w.kind);
        if (hit === undefined) return w;
        changed = true;
        const changes = [...w.changes, t];
        const types = [...w.types, hit.type];
        if (w.status === 'held') return { ...w, status: 'pending' as const, type: hit.type, txn: t, optional: this.p.restricted.has(w.path), changes, types };
        if (w.status === 'loose' && !w.changed) return { ...w, changed: true, txn: t, changes, types };
        return { ...w, changes, types, deletedSince: w.deletedSince || hit.type === 'NodeDeleted' };
      });
      // A delete fires one NodeDeleted per session on its path, for the data and the child watch together.
      const merged = out.filter(
        (w, i) =>
          !(
            w.status === 'pending' &&
            w.txn === t &&
            w.kind === 'child' &&
            w.type === 'NodeDeleted' &&
            out.some((x, j) => j !== i && x.status === 'pending' && x.txn === t && x.path === w.path && x.kind === 'data')
          ),
      );
      next.set(s, changed ? merged : list);
    }
    this.watches = next;
  }

  // ---------------------------------------------------------------------------------------- replies

  /**
   * The watch-order facts of a reply on its connection; null when they hold, else the broken rule.
   * `ownEnd`: for a close reply, its session's end txn, whose own events may be dropped (DEFINITIONS.md §6).
   */
  private replyBlocked(r: ReplyItem, ownEnd: TxnItem | null = null): string | null {
    if (!this.rules.wo) return null;
    if (this.on('watch-before-data'))
      for (const e of this.p.sessions.get(r.skey)!.events) if (this.placed[e.id] === 0 && e.conn === r.conn && arrivalBefore(e, r)) return 'watch-before-data';
    return this.eventLost(r, ownEnd) ? 'watch-lost' : null;
  }

  /**
   * watch-lost: a watch triggered before `r`'s read point whose event `r` must follow has not delivered it.
   * A close reply is exempt only for the watches its own end triggered (`ownEnd`): a txn applied before the
   * close fired its watches as the server applied it (DataTree.createNode etc. → WatchManager.triggerWatch →
   * NIOServerCnxn.process queues the notification), ahead of the close's reply on the same socket
   * (FinalRequestProcessor.processRequest sends it, then sendCloseSession); the connection is dropped, and
   * the session's watches with it (NIOServerCnxn.close → ZKDatabase.removeCnxn), only after that reply.
   */
  private eventLost(r: ReplyItem, ownEnd: TxnItem | null): boolean {
    if (!this.on('watch-lost')) return false;
    const tree = this.trees[this.trees.length - 1]!;
    for (const w of this.watches.get(r.skey) ?? [])
      if (w.status === 'pending' && !w.optional && (ownEnd === null || w.txn !== ownEnd) && owed(w, r, tree.nodes.has(w.path))) return true;
    // A persistent watch's event is due on its connection before any later reply there (never re-sent by setWatches2).
    for (const d of this.dels.get(r.skey) ?? []) if (d.conn === r.conn && !d.optional && (ownEnd === null || d.txn !== ownEnd)) return true;
    return false;
  }

  /**
   * After a reply on connection `conn`: older connections' triggered watches become loose; filtered
   * events are given up. A held watch of an older connection (nothing changed its path since it was
   * set) is held on this connection: the client re-sent it with setWatches (ClientCnxn.primeConnection)
   * ahead of this request, at a server state between the registration and this reply where nothing had
   * changed, so DataTree.setWatches registered it again without firing. An exists watch triggered and
   * whose node is deleted again, not owed before this reply (see `owed`: its node is missing here), was
   * registered anew by that setWatches after the last delete, with nothing creating the node since: it is
   * held on this connection as a fresh exists watch, and the next create fires it. Watches in `keep` stay
   * on their older connection (see `keepable`).
   */
  private afterReply(r: ReplyItem, register: Watch | null, keep: ReadonlySet<Watch>, ownEnd: TxnItem | null = null): void {
    if (!this.rules.wo) return;
    // A delivery that may never come (optional) comes, if at all, as its txn is applied (the ACL check and the
    // mode are the server's at trigger time: NIOServerCnxn.process sends it or drops it then), so ahead of this
    // reply on its connection; one still to come is given up (until round 12 it could come after the reply:
    // sweep seed 2900000, case 79917067). The close's own end's may be dropped, never late either, but stay as before.
    const ds = this.dels.get(r.skey);
    if (ds !== undefined && ds.some((d) => d.conn === r.conn && d.optional && d.txn !== ownEnd)) {
      const nd = new Map(this.dels);
      nd.set(
        r.skey,
        ds.filter((d) => !(d.conn === r.conn && d.optional && d.txn !== ownEnd)),
      );
      this.dels = nd;
    }
    const list = this.watches.get(r.skey) ?? [];
    const tree = this.trees[this.trees.length - 1]!;
    const out: Watch[] = [];
    for (const w of list) {
      if (keep.has(w)) {
        out.push(w);
        continue;
      }
      // A watch its server used up silently (no READ on the node) is still held by the client, which re-sends it
      // with setWatches on its next connection (ClientCnxn.primeConnection): loose, for a later connection only.
      // Its event, if the server sent it, came before this reply (NIOServerCnxn.process checks READ and sends or
      // drops it as the txn is applied), so the pending watch is gone here: until round 12 (fa12) it stayed
      // beside its loose copy and its event could come after the reply (sweep seed 3300000, case 4250497437).
      if (w.status === 'pending' && w.optional && w.conn === r.conn) {
        out.push({ ...w, status: 'loose', changed: true, type: null });
        continue;
      }
      if (w.status === 'held' && w.conn < r.conn) out.push({ ...w, conn: r.conn });
      else if (w.status === 'pending' && w.conn < r.conn && !w.optional && w.exist && w.deletedSince && !tree.nodes.has(w.path))
        out.push({ ...w, conn: r.conn, status: 'held', type: null, txn: null, changed: false, deletedSince: false, changes: [], types: [] });
      else if (w.status !== 'loose' && w.conn < r.conn)
        out.push({ ...w, status: 'loose', changed: w.status === 'pending', type: null, txn: w.status === 'pending' ? w.txn : null });
      else out.push(w);
    }
    if (register !== null && !out.some((w) => w.status === 'held' && w.conn === r.conn && w.path === register.path && w.kind === register.kind))
      out.push(register);
    const next = new Map(this.watches);
    next.set(r.skey, this.persistentCalls(r, register, out));
    this.watches = next;
  }

  /**
   * addWatch and removeWatches replies, and a one-shot registration beside a persistent watch (DEFINITIONS.md §4):
   * returns the session's one-shot watches after removeWatches dropped some.
   */
  private persistentCalls(r: ReplyItem, register: Watch | null, oneShot: Watch[]): Watch[] {
    const op = r.hop.op;
    const had = this.pws.get(r.skey) ?? [];
    let pws = had;
    let out = oneShot;
    if (op.type === 'addWatch' && r.hop.result?.rc === 'ok') {
      const recursive = op.mode === 'persistentRecursive';
      // 3.8 keeps one mode per path and connection: the other mode there makes both uncertain.
      const clash = pws.some((w) => w.path === op.path && w.recursive !== recursive);
      pws = pws.map((w) => (w.path === op.path && clash ? { ...w, optional: true } : w));
      if (!pws.some((w) => w.path === op.path && w.recursive === recursive && w.conn === r.conn))
        pws = [...pws.filter((w) => !(w.path === op.path && w.recursive === recursive)), { path: op.path, recursive, conn: r.conn, prev: [], optional: clash }];
    } else if (op.type === 'removeWatches') {
      pws = pws.map((w) => (w.path === op.path ? { ...w, optional: true } : w));
      if (r.hop.result?.rc === 'ok') out = out.filter((w) => w.path !== op.path || !(op.watcherType === 'any' || (op.watcherType === 'data') === (w.kind === 'data')));
    } else if (register !== null) pws = pws.map((w) => (w.path === register.path ? { ...w, optional: true } : w));
    if (pws !== had) {
      const next = new Map(this.pws);
      next.set(r.skey, pws);
      this.pws = next;
    }
    return out;
  }

  /**
   * The connection a session's persistent watches must be moved to before its next reply or event there (its
   * reconnect's setWatches2, DataTree.setWatches: registered again, no event for what changed meanwhile), or null.
   */
  private moveTarget(skey: number): number | null {
    const pws = this.pws.get(skey) ?? [];
    if (pws.length === 0) return null;
    const v = this.p.sessions.get(skey)!;
    // The next connection after the oldest one a watch is on with a reply or event still to place; every reply
    // of the connections before it placed (the client's lastZxid is at or below setWatches2's state).
    const low = Math.min(...pws.map((w) => w.conn));
    let target = Infinity;
    for (const r of v.replies) if (this.placed[r.id] === 0 && r.conn > low) target = Math.min(target, r.conn);
    for (const e of v.events) if (this.placed[e.id] === 0 && e.conn > low) target = Math.min(target, e.conn);
    if (target === Infinity || v.replies.some((r) => this.placed[r.id] === 0 && r.conn < target)) return null;
    return target;
  }

  /** Whether an item of session `skey` on connection `conn` must wait for its persistent watches to move there. */
  private awaitsMove(skey: number, conn: number): boolean {
    return (this.pws.get(skey) ?? []).some((w) => w.conn < conn);
  }

  /** Moves the session's persistent watches to connection `target`: the setWatches2 ran at this point of the order. */
  private tryMove(skey: number, target: number): boolean {
    const saved = this.snap();
    const next = new Map(this.pws);
    next.set(
      skey,
      (this.pws.get(skey) ?? []).map((w) => (w.conn < target ? { ...w, conn: target, prev: [...w.prev, w.conn] } : w)),
    );
    this.pws = next;
    const found = this.dfs();
    this.restore(saved);
    return found;
  }

  /**
   * The ways watches stand after reply `r` (each a set of held watches of older connections kept there):
   * none kept, and, when some may be, all of those kept. A held watch of an older connection may have
   * fired there after all, at a txn that `r`'s state does not hold yet: its server had applied it and the
   * event arrived before this connection began, but this connection's server is behind it (ZooKeeper
   * allows that: ClientCnxn.SendThread.readResponse does not raise lastZxid on a notification, so
   * ZooKeeperServer.processConnectRequest accepts a server behind the event). The client then no longer
   * held the watch and did not re-send it. Such a watch stays on its connection, for an event not yet
   * placed that arrived on a connection between its own and `r`'s. Only these two of the subsets are tried
   * (stricter than ZooKeeper when two such watches need different fates, never weaker).
   */
  private keepVariants(r: ReplyItem): readonly ReadonlySet<Watch>[] {
    const none: ReadonlySet<Watch> = new Set();
    if (!this.rules.wo) return [none];
    const events = this.p.sessions.get(r.skey)!.events;
    const keep = new Set<Watch>();
    for (const w of this.watches.get(r.skey) ?? []) {
      if (w.status !== 'held' || w.conn >= r.conn) continue;
      if (events.some((e) => this.placed[e.id] === 0 && e.conn >= w.conn && e.conn < r.conn && e.ev.path === w.path && compatible(w, e.ev.type))) keep.add(w);
    }
    return keep.size === 0 ? [none] : [none, keep];
  }

  private tryReply(r: ReplyItem): boolean {
    if (this.rules.wo && this.awaitsMove(r.skey, r.conn)) return false; // its setWatches2 went first
    if (this.rules.se && this.endLen.has(r.skey) && !(r.txn?.isEnd ?? false) && this.on('op-after-session-end')) return this.note('op-after-session-end');
    if (r.txn !== null) {
      // Events of earlier txns are due before a write's reply. Only watch-lost is judged here: the session's
      // events that arrived before the reply may still come between its txn and its reply, and an event due
      // then must not hide a lost one (sweep seed 1210000, case 3467790519).
      if (this.rules.wo && this.eventLost(r, null)) return this.note('watch-lost');
      return this.tryTxn(r.txn, r);
    }
    return this.tryRead(r);
  }

  /** Closes an ok write's reply: its session's events before it have arrived, none is lost. */
  private trySeal(r: ReplyItem): boolean {
    // The close reply ends the connection: events its own deletes trigger for the session may be dropped;
    // every other event due before it is still due (until round 9 a close reply was exempt from all of them).
    const ownEnd = r.txn?.isEnd === true ? r.txn : null;
    const blocked = this.replyBlocked(r, ownEnd);
    if (blocked !== null) return this.note(blocked);
    const saved = this.snap();
    let found = false;
    for (const keep of this.keepVariants(r)) {
      this.afterReply(r, null, keep, ownEnd);
      this.mark(r.id);
      this.openReply = null;
      this.observed++;
      found = this.dfs();
      this.observed--;
      this.openReply = r;
      this.unmark(r.id);
      this.restore(saved);
      if (found) break;
    }
    return found;
  }

  private tryRead(r: ReplyItem): boolean {
    // Without session order and watches, reads at one read point commute: place them in id order only.
    const commute = !this.rules.sr && !this.rules.fifo && !this.rules.wo;
    if (commute && this.lastRead !== null && this.lastRead.len === this.order.length && this.lastRead.id > r.id) return false;
    const blocked = this.replyBlocked(r);
    if (blocked !== null) return this.note(blocked);
    const o = r.hop;
    const tree = this.trees[this.trees.length - 1]!;
    if (this.rules.sr && this.rules.syncIsLinearizable && o.op.type === 'sync') {
      for (const t of this.mandatory)
        if (t.completeUs !== null && t.completeUs < o.invokeUs && this.placed[t.id] === 0 && this.on('sync-then-read')) return this.note('sync-then-read');
    }
    if (this.rules.se && this.on('ephemeral-after-end')) {
      for (const path of pathsSeen(r)) if (!tree.nodes.has(path) && tree.endedEphemerals.has(path)) return this.note('ephemeral-after-end');
    }
    let mzxid: MzxidFact | null = null;
    if (this.rules.sr && this.on('read-state')) {
      const j = judgeRead(r, tree);
      if (j.why !== null) return this.note('read-state');
      mzxid = j.mzxid;
    }
    let marked = false;
    if (o.readZxid !== undefined && o.readZxid !== null) {
      this.markers.push({ len: this.order.length, zxid: o.readZxid });
      marked = true;
    }
    let unpin: (() => void) | null = () => {};
    let why = 'zxid-order';
    if (marked && !this.zxidFeasible()) unpin = null;
    else if (mzxid !== null) {
      unpin = this.pin(this.txnById(mzxid.txn), mzxid.zxid);
      why = 'read-state'; // the Stat's mzxid names another zxid than its txn's
    }
    let found = false;
    if (unpin === null) this.note(why);
    else {
      const saved = this.snap();
      for (const keep of this.keepVariants(r)) {
        this.afterReply(r, this.registration(r), keep);
        this.mark(r.id);
        const lastRead = this.lastRead;
        this.lastRead = commute ? { id: r.id, len: this.order.length } : null;
        this.observed++;
        found = this.dfs();
        this.observed--;
        this.lastRead = lastRead;
        this.unmark(r.id);
        this.restore(saved);
        if (found) break;
      }
      unpin();
    }
    if (marked) this.markers.pop();
    return found;
  }

  /** The watch an ok read sets (WatchManager via DataTree.getData, statNode, getChildren), or null. */
  private registration(r: ReplyItem): Watch | null {
    const op = r.hop.op;
    const res = r.hop.result!;
    if (op.type !== 'getData' && op.type !== 'exists' && op.type !== 'getChildren') return null;
    if (op.watch !== true) return null;
    const sets = res.rc === 'ok' || (op.type === 'exists' && res.rc === 'noNode');
    if (!sets) return null;
    return {
      path: op.path,
      kind: op.type === 'getChildren' ? 'child' : 'data',
      conn: r.conn,
      status: 'held',
      type: null,
      txn: null,
      optional: false,
      changed: false,
      exist: op.type === 'exists' && (res.exists === false || res.rc === 'noNode'),
      deletedSince: false,
      changes: [],
      types: [],
    };
  }

  // ---------------------------------------------------------------------------------------- events

  private tryEvent(e: EventItem): boolean {
    if (this.awaitsMove(e.skey, e.conn)) return false; // its setWatches2 went first
    for (const r of this.p.sessions.get(e.skey)!.replies) {
      if (this.placed[r.id] === 0 && r.conn === e.conn && r !== this.openReply && !arrivalBefore(e, r) && this.on('watch-before-data'))
        return this.note('watch-before-data');
      // A session's connections follow one another (DEFINITIONS.md §6): every reply of an older one arrived
      // before this event, so it is placed first, and the watch-lost check of that reply sees the watch still
      // unfired. Not a rule that can be relaxed: it is how arrivals are numbered (sweep seed 930000, case 3479610867).
      if (this.placed[r.id] === 0 && r.conn < e.conn) return false;
    }
    const list = this.watches.get(e.skey) ?? [];
    const ev = e.ev;
    let any = false;
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!;
      if (w.path !== ev.path) continue;
      // The event's zxid (DEFINITIONS.md §1), when > 0: each way the event may have been fired, as an
      // undo-returning constraint (null: that way is impossible).
      let ways: readonly (() => (() => void) | null)[] = [() => () => {}];
      if (w.status === 'pending' && w.conn === e.conn) {
        if (w.type !== ev.type) continue;
        if (w.txn!.invokeUs > ev.atUs) continue;
        if (ev.zxid > 0) ways = [() => this.pin(w.txn, ev.zxid)]; // fired as its txn was applied
      } else if (!((w.status === 'loose' && w.changed && w.conn < e.conn) || (w.status === 'pending' && w.conn < e.conn))) continue;
      else {
        const bySetWatches = compatible(w, ev.type) && setWatchesSends(w, ev.type);
        const fired = w.changes.filter((_, k) => w.types[k] === ev.type);
        if (!bySetWatches && fired.length === 0) continue;
        if (ev.zxid > 0) ways = this.reRegisteredWays(w, e, bySetWatches, fired);
      }
      // The one event of a trigger serves a persistent watch too: its delivery must be next on the connection.
      const twin = w.status === 'pending' && w.conn === e.conn ? this.twinDelivery(e, w.txn!) : -1;
      if (twin === null) continue;
      for (const way of ways) {
        const undo = way();
        if (undo === null) continue;
        any = true;
        if (this.placeEvent(e, list, i, undo, twin)) return true;
      }
    }
    // A persistent watch's delivery: of the first txn on its connection with one that is not optional (the events of
    // one txn are not ordered among themselves, DEFINITIONS.md §6), or an optional one before.
    const ds = this.dels.get(e.skey) ?? [];
    let firstTxn: TxnItem | null = null;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
      if (d.conn !== e.conn) continue;
      if (!d.optional && firstTxn !== null && d.txn !== firstTxn) break;
      if (d.type === ev.type && d.path === ev.path && d.txn.invokeUs < ev.atUs) {
        const undo = ev.zxid > 0 ? this.pin(d.txn, ev.zxid) : () => {};
        if (undo !== null) {
          any = true;
          // The same event uses up a one-shot watch its trigger made pending on this connection (one event per trigger).
          const k = list.findIndex((w) => w.status === 'pending' && w.conn === e.conn && w.txn === d.txn && w.path === ev.path && w.type === ev.type);
          if (this.placeEvent(e, list, k, undo, i)) return true;
        }
      }
      if (!d.optional) firstTxn ??= d.txn;
    }
    if (any) return false;
    if (this.on('watch-unexplained')) return this.note('watch-unexplained');
    this.mark(e.id); // the rule is relaxed (naming a violation): the event needs no watch
    this.observed++;
    const found = this.dfs();
    this.observed--;
    this.unmark(e.id);
    return found;
  }

  /**
   * The ways an event with a known zxid may come from a watch set on an older connection (DEFINITIONS.md
   * §1): fired at once by the setWatches of the event's connection, stamped with that server's zxid
   * then (at or above the first change since registration; below every write the session sent on that
   * connection and at or below its reply-header zxids there, since setWatches goes first and
   * CommitProcessor keeps the session's order); or fired later by the re-registered watch as a txn was
   * applied, stamped with that txn's zxid.
   */
  private reRegisteredWays(w: Watch, e: EventItem, bySetWatches: boolean, fired: readonly TxnItem[]): (() => (() => void) | null)[] {
    const z = e.ev.zxid;
    const ways: (() => (() => void) | null)[] = [];
    const after = this.connAfter.get(`${e.skey}:${e.conn}`);
    // Below the zxid of every ok write sent on that connection, recorded or not (a Stat's mzxid may pin it
    // later): ahead of it, setWatches saw a state without it (sweep seed 1500000, case 1977870300).
    if (bySetWatches && (after === undefined || (z < after.write && z <= after.header)))
      ways.push(() => {
        const undoBound = this.bound(w.txn!, z);
        if (undoBound === null) return null;
        const undoAbove = this.above(this.connWrites.get(`${e.skey}:${e.conn}`) ?? [], z);
        if (undoAbove === null) {
          undoBound();
          return null;
        }
        return () => {
          undoAbove();
          undoBound();
        };
      });
    for (const t of fired) ways.push(() => this.pin(t, z));
    return ways;
  }

  /**
   * The index of the delivery the event of one-shot watch trigger `txn` also is (-1: none), or null when that
   * delivery exists but an earlier one on the connection that is not optional must come first.
   */
  private twinDelivery(e: EventItem, txn: TxnItem): number | null {
    const ds = this.dels.get(e.skey) ?? [];
    let blocked = false;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
      if (d.conn !== e.conn) continue;
      if (d.txn === txn && d.type === e.ev.type && d.path === e.ev.path) return blocked ? null : i;
      if (!d.optional && d.txn !== txn) blocked = true;
    }
    return -1;
  }

  /**
   * Places event `e` as fired by watch `i` of its session's `list` (-1: none) and as delivery `di` of its
   * persistent watches (-1: none; the earlier optional ones on its connection of other txns are dropped: they
   * would have come before it, one FIFO socket; those of its own txn stay, as the events of one txn are not
   * ordered among themselves, DEFINITIONS.md §6); `undo` drops its zxid constraint.
   */
  private placeEvent(e: EventItem, list: readonly Watch[], i: number, undo: () => void, di = -1): boolean {
    const saved = this.snap();
    const own = di >= 0 ? this.dels.get(e.skey)![di]!.txn : null;
    if (i >= 0) {
      const next = new Map(this.watches);
      next.set(
        e.skey,
        list.filter((_, j) => j !== i),
      );
      this.watches = next;
    }
    if (di >= 0) {
      const next = new Map(this.dels);
      next.set(
        e.skey,
        (this.dels.get(e.skey) ?? []).filter((d, j) => j > di || d.conn !== e.conn || (j < di && (!d.optional || d.txn === own))),
      );
      this.dels = next;
    }
    this.mark(e.id);
    this.observed++;
    const found = this.dfs();
    this.observed--;
    this.unmark(e.id);
    this.restore(saved);
    undo();
    return found;
  }
}
