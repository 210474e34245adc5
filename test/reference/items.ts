// The reference checker's view of a history (DEFINITIONS.md §1, §3): the candidate txns (which must
// and which may take effect), the replies (each gets a read point), the watch events, and the
// connection and arrival order of each session's replies and events.
import { isZkRead, isZkWatchOp, isZkWrite } from '../../sim/history/types.js';
import type { ZkHistory, ZkHistoryOp, ZkHistorySession, ZkHistoryWatch, ZkOp } from '../../sim/history/types.js';
import { isMultiSubOp } from './tree-model.js';

export type TxnItem = {
  readonly kind: 'txn';
  readonly id: number;
  /** The write, or a closeSession standing for a session end that no client saw (or an ENDED record). */
  readonly op: ZkOp;
  readonly hop: ZkHistoryOp | null;
  /** The session id as ZooKeeper knows it (ephemeral owner), null when the history gives none. */
  readonly session: number | null;
  readonly skey: number;
  /** The recorded zxid, null when unknown. */
  readonly zxid: number | null;
  /** ok writes and recorded ends must take effect; info writes and unseen ends may. */
  readonly mandatory: boolean;
  /** -Infinity for an end that no client asked for. */
  readonly invokeUs: number;
  /** When the txn was known to have committed (its reply, an ENDED record), else null. */
  readonly completeUs: number | null;
  readonly isEnd: boolean;
  /** The reply of an ok write (its read point is the txn itself). */
  reply: ReplyItem | null;
};

export type ReplyItem = {
  readonly kind: 'reply';
  readonly id: number;
  readonly hop: ZkHistoryOp;
  readonly skey: number;
  readonly conn: number;
  readonly txn: TxnItem | null;
  readonly arrivalUs: number;
  readonly arrivalSeq: number;
};

export type EventItem = {
  readonly kind: 'event';
  readonly id: number;
  readonly ev: ZkHistoryWatch;
  readonly skey: number;
  readonly conn: number;
};

export type Item = TxnItem | ReplyItem | EventItem;

export type SessionView = {
  readonly skey: number;
  /** ok replies in issue order. */
  readonly replies: readonly ReplyItem[];
  /** Watch events in arrival order. */
  readonly events: readonly EventItem[];
};

export type Prepared = {
  readonly items: readonly Item[];
  readonly txns: readonly TxnItem[];
  readonly replies: readonly ReplyItem[];
  readonly events: readonly EventItem[];
  readonly sessions: ReadonlyMap<number, SessionView>;
  /** Paths whose ACL may deny READ (create or setACL with restrictedRead): their watches may fire silently. */
  readonly restricted: ReadonlySet<string>;
  /** Why the history is outside what the reference judges, or null. */
  readonly unsupported: string | null;
};

const CLIENT_SIDE_ERRORS = new Set(['connectionLoss', 'operationTimeout', 'sessionExpired']);

/** DEFINITIONS.md §1: an ok op whose rc is a client-side error is as unknown as an info op. */
export function effectiveOutcome(o: ZkHistoryOp): 'ok' | 'info' | 'fail' {
  if (o.outcome === 'ok' && (o.result === null || CLIENT_SIDE_ERRORS.has(o.result.rc))) return 'info';
  return o.outcome;
}

/** The session that orders an op: its session id, or (no session) a key per client. */
export function sessionKey(session: number | null, client: number | null): number {
  return session !== null ? session : -1 - (client ?? 0);
}

/** Whether the op (or a direct sub-op of a multi: a nested multi is unsupported) creates an ephemeral. */
function createsEphemeral(op: ZkOp): boolean {
  const isEphemeralCreate = (o: ZkOp): boolean => o.type === 'create' && (o.mode === 'ephemeral' || o.mode === 'ephemeralSequential');
  return op.type === 'multi' ? op.ops.some(isEphemeralCreate) : isEphemeralCreate(op);
}

/** Arrival order: time, then the recorded sequence when both have one, else events first. */
export function arrivesBefore(aUs: number, aSeq: number, aIsEvent: boolean, bUs: number, bSeq: number, bIsEvent: boolean): boolean {
  if (aUs !== bUs) return aUs < bUs;
  if (aSeq >= 0 && bSeq >= 0) return aSeq < bSeq;
  return aIsEvent && !bIsEvent;
}

export function prepare(h: ZkHistory): Prepared {
  const items: Item[] = [];
  const txns: TxnItem[] = [];
  const replies: ReplyItem[] = [];
  const events: EventItem[] = [];
  let unsupported: string | null = null;
  const restricted = new Set<string>();
  const connected = new Map<number, ZkHistorySession[]>();
  const ended = new Map<number, ZkHistorySession>();
  for (const e of h.events ?? []) {
    if (e.kind !== 'session') continue;
    if (e.state === 'CONNECTED' || e.state === 'DISCONNECTED') {
      const list = connected.get(e.session) ?? [];
      list.push(e);
      connected.set(e.session, list);
    } else if (e.state === 'ENDED' && !ended.has(e.session)) ended.set(e.session, e);
  }
  /**
   * Connection number of an arrival: the session's CONNECTED and DISCONNECTED records before it (a
   * new connection starts at either). At an equal time without seq, a CONNECTED record comes first
   * (nothing arrives on a connection before it is up) and a DISCONNECTED one after (what arrived, came
   * on the old connection).
   */
  const connAt = (skey: number, us: number, seq: number): number => {
    let n = 0;
    for (const c of connected.get(skey) ?? []) {
      const cs = c.seq ?? -1;
      const before = c.atUs !== us ? c.atUs < us : cs >= 0 && seq >= 0 ? cs < seq : c.state === 'CONNECTED';
      if (before) n++;
    }
    return n;
  };

  const ops = [...h.ops].sort((a, b) => a.invokeUs - b.invokeUs || a.id - b.id);
  const okEnd = new Set<number>(); // sessions with an ok closeSession (their end, when recorded)
  /** An ok close without a zxid invoked after its session's ENDED record: not that record's txn (below). */
  const closeAfterRecord = (o: ZkHistoryOp): boolean => {
    const rec = o.session === null ? undefined : ended.get(o.session);
    return rec !== undefined && o.zxid === null && o.invokeUs > rec.atUs;
  };
  const mayOwnEphemeral = new Set<number>();
  for (const o of ops) {
    const out = effectiveOutcome(o);
    if (o.session !== null && out !== 'fail' && createsEphemeral(o.op)) mayOwnEphemeral.add(o.session);
    if (o.session !== null && out === 'ok' && o.op.type === 'closeSession' && !closeAfterRecord(o)) okEnd.add(o.session);
    if ((o.op.type === 'create' || o.op.type === 'setACL') && o.op.restrictedRead === true) restricted.add(o.result?.path ?? o.op.path);
    if (o.op.type === 'multi') {
      for (const sub of o.op.ops) if (!isMultiSubOp(sub)) unsupported = `multi #${o.id} holds a ${sub.type}`;
      o.op.ops.forEach((sub, i) => {
        if ((sub.type === 'create' || sub.type === 'setACL') && sub.restrictedRead === true) restricted.add(o.result?.results?.[i]?.path ?? sub.path);
      });
    }
  }

  for (const o of ops) {
    const out = effectiveOutcome(o);
    if (out === 'fail') continue;
    const skey = sessionKey(o.session, o.client);
    const write = isZkWrite(o.op);
    // addWatch and removeWatches are answered from a server's state like a read (FinalRequestProcessor, no txn).
    // A removeWatches whose reply was lost may have removed the client's watches or not: not modelled.
    if (isZkWatchOp(o.op) && out === 'info') {
      if (o.op.type === 'removeWatches') unsupported = `removeWatches #${o.id} has no reply`;
      continue;
    }
    if (!write && !isZkRead(o.op) && o.op.type !== 'sync' && !isZkWatchOp(o.op)) continue;
    if (write) {
      const isEnd = o.op.type === 'closeSession';
      const endRecord = o.session === null ? undefined : ended.get(o.session);
      // A session ends once: an info close of a session whose end is recorded, or that may own an
      // ephemeral (the unseen end below covers it, at any time), is not a txn of its own.
      if (isEnd && out === 'info' && o.session !== null && (okEnd.has(o.session) || endRecord !== undefined || mayOwnEphemeral.has(o.session))) continue;
      let zxid = o.zxid;
      // An ok close without a zxid is taken as the txn of its session's ENDED record, unless it was
      // invoked after that record: a txn seen committed cannot be one the client had not yet sent. Then
      // it is a second closeSession txn of the ended session (PrepRequestProcessor does not check the
      // session of a closeSession), which changes nothing.
      if (isEnd && out === 'ok' && endRecord !== undefined && zxid === null && o.invokeUs <= endRecord.atUs) zxid = endRecord.zxid ?? null;
      // An ok close that is the txn its session's ENDED record names was committed by the record's time
      // at the latest: the record is a server's commit of it.
      let completeUs = out === 'ok' ? (o.completeUs ?? null) : null;
      if (isEnd && out === 'ok' && endRecord !== undefined && zxid !== null && zxid === endRecord.zxid)
        completeUs = completeUs === null ? endRecord.atUs : Math.min(completeUs, endRecord.atUs);
      const t: TxnItem = {
        kind: 'txn',
        id: items.length,
        op: o.op,
        hop: o,
        session: o.session,
        skey,
        zxid,
        mandatory: out === 'ok',
        invokeUs: o.invokeUs,
        completeUs,
        isEnd,
        reply: null,
      };
      items.push(t);
      txns.push(t);
      if (out === 'ok') {
        const r: ReplyItem = {
          kind: 'reply',
          id: items.length,
          hop: o,
          skey,
          conn: 0,
          txn: t,
          arrivalUs: o.completeUs ?? Infinity,
          arrivalSeq: o.completeSeq ?? -1,
        };
        t.reply = r;
        items.push(r);
        replies.push(r);
      }
    } else if (out === 'ok') {
      const r: ReplyItem = {
        kind: 'reply',
        id: items.length,
        hop: o,
        skey,
        conn: 0,
        txn: null,
        arrivalUs: o.completeUs ?? Infinity,
        arrivalSeq: o.completeSeq ?? -1,
      };
      items.push(r);
      replies.push(r);
    }
  }

  // Session ends not given by an ok closeSession: an ENDED record (mandatory, at its zxid), or an
  // unseen end (expiry, a lost close) for a session that may own an ephemeral.
  const endSessions = new Set<number>([...ended.keys(), ...mayOwnEphemeral]);
  for (const s of [...endSessions].sort((a, b) => a - b)) {
    if (okEnd.has(s)) continue;
    const rec = ended.get(s);
    const t: TxnItem = {
      kind: 'txn',
      id: items.length,
      op: { type: 'closeSession' },
      hop: null,
      session: s,
      skey: s,
      zxid: rec?.zxid ?? null,
      mandatory: rec !== undefined,
      invokeUs: -Infinity,
      completeUs: rec?.atUs ?? null,
      isEnd: true,
      reply: null,
    };
    items.push(t);
    txns.push(t);
  }

  for (const e of h.events ?? []) {
    if (e.kind !== 'watch') continue;
    const ev: EventItem = { kind: 'event', id: items.length, ev: e, skey: e.session, conn: 0 };
    items.push(ev);
    events.push(ev);
  }

  // Connections, and each session's replies (issue order) and events (arrival order).
  const sessions = new Map<number, { skey: number; replies: ReplyItem[]; events: EventItem[] }>();
  const view = (skey: number) => {
    let v = sessions.get(skey);
    if (v === undefined) sessions.set(skey, (v = { skey, replies: [], events: [] }));
    return v;
  };
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind === 'reply') {
      const withConn: ReplyItem = { ...it, conn: connAt(it.skey, it.arrivalUs, it.arrivalSeq) };
      items[i] = withConn;
      if (withConn.txn !== null) withConn.txn.reply = withConn;
      view(it.skey).replies.push(withConn);
    } else if (it.kind === 'event') {
      const withConn: EventItem = { ...it, conn: connAt(it.skey, it.ev.atUs, it.ev.seq ?? -1) };
      items[i] = withConn;
      view(it.skey).events.push(withConn);
    }
  }
  for (const v of sessions.values()) {
    v.events.sort((a, b) =>
      arrivesBefore(a.ev.atUs, a.ev.seq ?? -1, true, b.ev.atUs, b.ev.seq ?? -1, true)
        ? -1
        : arrivesBefore(b.ev.atUs, b.ev.seq ?? -1, true, a.ev.atUs, a.ev.seq ?? -1, true)
          ? 1
          : a.id - b.id,
    );
  }
  return {
    items,
    txns,
    replies: items.filter((i): i is ReplyItem => i.kind === 'reply'),
    events: items.filter((i): i is EventItem => i.kind === 'event'),
    sessions,
    restricted,
    unsupported,
  };
}
