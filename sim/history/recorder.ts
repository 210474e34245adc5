// Records a run's client history as the run goes: a KernelObserver that turns the clients' invoke /
// complete / watch / session observations into NDJSON history records (types.ts), O(1) per event. Ops
// get their id at invoke and are finished in place at completion; each finished record can also be
// streamed out as one NDJSON line. Ops still open when the history is taken end as "info" (no reply).
// An adapter says what a client command means in the history (the ZooKeeper client's commands in
// sim/service/history.ts, the KV ops of the Zab-level runs in kvHistoryAdapter below).
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { KernelObserver } from '../kernel/kernel.js';
import { OpenTable } from './open-table.js';
import type {
  ZkHistory,
  ZkHistoryAuth,
  ZkHistoryEvent,
  ZkHistoryHeader,
  ZkHistoryOp,
  ZkHistoryUnjudged,
  ZkOp,
  ZkOutcome,
  ZkResult,
  ZkSessionState,
  ZkUnjudgedRead,
  ZkWatchType,
} from './types.js';

export type CompleteObservation = Extract<ZabObservation, { kind: 'complete' }>;

export interface HistoryAdapter {
  /** The history op of a client command, or null to leave the command out. */
  op(command: unknown): ZkOp | null;
  /** What a completion means for the history. */
  complete(command: unknown, op: ZkOp, c: CompleteObservation): { outcome: ZkOutcome; result: ZkResult | null; zxid: number | null; readZxid: number | null };
  /** For a command `op` leaves out: the read the checkers cannot judge yet that it is, if any (types.ts ZkHistoryUnjudged). */
  unjudged?(command: unknown): ZkUnjudgedRead | null;
  /** That read's result, when the server answered it (else null: it is not recorded). */
  unjudgedResult?(command: unknown, c: CompleteObservation): ZkResult | null;
  /** For a command `op` leaves out: the credentials it adds when it is addAuthInfo (types.ts ZkHistoryAuth), else null. */
  auth?(command: unknown): { readonly scheme: string; readonly auth: string } | null;
}

interface OpenUnjudged {
  readonly client: NodeId;
  readonly session: number | null;
  readonly op: ZkUnjudgedRead;
  readonly command: unknown;
  readonly invokeUs: number;
}

interface Open {
  readonly id: number;
  readonly client: NodeId;
  readonly session: number | null;
  readonly server: NodeId;
  readonly op: ZkOp;
  readonly command: unknown;
  readonly invokeUs: number;
}

export class HistoryRecorder implements KernelObserver {
  private readonly adapter: HistoryAdapter;
  private readonly header: ZkHistoryHeader;
  private readonly sink: ((line: string) => void) | null;
  /** Finished ops by id (holes while an op is open). */
  private readonly ops: (ZkHistoryOp | undefined)[] = [];
  private readonly events: ZkHistoryEvent[] = [];
  /** Open ops' ids by (client, xid), and their invocations by id (released at completion). */
  private readonly open = new OpenTable();
  private readonly invocations: (Open | undefined)[] = [];
  /** Unjudged reads in flight, by "client:xid", and those answered. */
  private readonly openUnjudged = new Map<string, OpenUnjudged>();
  private readonly unjudged: ZkHistoryUnjudged[] = [];
  private readonly auths: ZkHistoryAuth[] = [];
  private seq = 0;

  constructor(adapter: HistoryAdapter, meta: Record<string, unknown> = {}, sink: ((line: string) => void) | null = null) {
    this.adapter = adapter;
    this.header = { kind: 'header', version: 1, ...meta };
    this.sink = sink;
    sink?.(JSON.stringify(this.header));
  }

  /** Ops invoked so far. */
  get opCount(): number {
    return this.ops.length;
  }

  observe(node: NodeId, what: unknown, nowUs: number): void {
    const o = what as ZabObservation;
    switch (o.kind) {
      case 'invoke': {
        const op = this.adapter.op(o.op);
        if (op === null) {
          const auth = this.adapter.auth?.(o.op) ?? null;
          if (auth !== null) {
            const record: ZkHistoryAuth = { kind: 'auth', client: o.client, session: o.session === undefined || o.session === 0 ? null : o.session, scheme: auth.scheme, auth: auth.auth, invokeUs: nowUs };
            this.auths.push(record);
            this.sink?.(JSON.stringify(record));
            return;
          }
          const read = this.adapter.unjudged?.(o.op) ?? null;
          if (read !== null)
            this.openUnjudged.set(`${o.client}:${o.xid}`, { client: o.client, session: o.session ?? null, op: read, command: o.op, invokeUs: nowUs });
          return;
        }
        const id = this.ops.length;
        this.ops.push(undefined);
        this.invocations.push({ id, client: o.client, session: o.session ?? null, server: o.server, op, command: o.op, invokeUs: nowUs });
        // One still open under the same key is replaced (it stays a hole) but keeps its place in `entries()`.
        const replaced = this.open.set(o.client, o.xid, id);
        if (replaced !== undefined) this.invocations[replaced] = undefined;
        return;
      }
      case 'complete': {
        const id = this.open.take(o.client, o.xid);
        if (id === undefined) {
          this.completeUnjudged(o, nowUs);
          return;
        }
        const inv = this.invocations[id]!;
        this.invocations[id] = undefined;
        const seq = this.seq++;
        const c = this.adapter.complete(inv.command, inv.op, o);
        const session = o.session !== undefined && o.session !== 0 ? o.session : inv.session === 0 ? null : inv.session;
        const completeUs = c.outcome === 'info' ? null : nowUs;
        const result = c.outcome === 'info' ? null : c.result;
        // Two literals rather than a conditional spread (a slow generic copy); same keys in the same order.
        const record: ZkHistoryOp =
          c.readZxid === null
            ? {
                kind: 'op',
                id: inv.id,
                client: inv.client,
                session,
                server: o.server,
                op: inv.op,
                invokeUs: inv.invokeUs,
                completeUs,
                outcome: c.outcome,
                result,
                zxid: c.zxid,
                completeSeq: seq,
              }
            : {
                kind: 'op',
                id: inv.id,
                client: inv.client,
                session,
                server: o.server,
                op: inv.op,
                invokeUs: inv.invokeUs,
                completeUs,
                outcome: c.outcome,
                result,
                zxid: c.zxid,
                readZxid: c.readZxid,
                completeSeq: seq,
              };
        this.ops[inv.id] = record;
        this.sink?.(JSON.stringify(record));
        return;
      }
      case 'watch':
        this.event({
          kind: 'watch',
          client: o.client,
          session: o.session,
          server: o.server,
          type: o.type as ZkWatchType,
          path: o.path,
          zxid: o.zxid,
          atUs: nowUs,
          seq: this.seq++,
        });
        return;
      case 'session':
        this.event({ kind: 'session', client: o.client, session: o.session, server: o.server, state: o.state as ZkSessionState, atUs: nowUs, seq: this.seq++ });
        return;
      default:
        void node;
    }
  }

  private completeUnjudged(o: CompleteObservation, nowUs: number): void {
    const key = `${o.client}:${o.xid}`;
    const inv = this.openUnjudged.get(key);
    if (inv === undefined) return;
    this.openUnjudged.delete(key);
    const result = o.outcome === 'ok' ? (this.adapter.unjudgedResult?.(inv.command, o) ?? null) : null;
    if (result === null) return;
    const session = o.session !== undefined && o.session !== 0 ? o.session : inv.session === 0 ? null : inv.session;
    const record: ZkHistoryUnjudged = {
      kind: 'unjudged',
      client: inv.client,
      session,
      server: o.server,
      op: inv.op,
      invokeUs: inv.invokeUs,
      completeUs: nowUs,
      result,
      readZxid: o.readZxid ?? null,
    };
    this.unjudged.push(record);
    this.sink?.(JSON.stringify(record));
  }

  /** A session's closeSession txn committed (seen at a server): its ephemerals are gone from `zxid` on. */
  sessionEnded(session: number, zxid: number, atUs: number): void {
    this.event({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, seq: this.seq++, zxid });
  }

  private event(e: ZkHistoryEvent): void {
    this.events.push(e);
    this.sink?.(JSON.stringify(e));
  }

  /** The history so far; ops still open are "info" (no reply). Does not change the recorder. */
  history(): ZkHistory {
    const ops: ZkHistoryOp[] = new Array<ZkHistoryOp>(this.ops.length);
    for (let i = 0; i < this.ops.length; i++) {
      const done = this.ops[i];
      if (done !== undefined) ops[i] = done;
    }
    for (const { value } of this.open.entries()) {
      const inv = this.invocations[value]!;
      ops[inv.id] = {
        kind: 'op',
        id: inv.id,
        client: inv.client,
        session: inv.session === 0 ? null : inv.session,
        server: inv.server,
        op: inv.op,
        invokeUs: inv.invokeUs,
        completeUs: null,
        outcome: 'info',
        result: null,
        zxid: null,
      };
    }
    const history: ZkHistory = this.events.length === 0 ? { header: this.header, ops } : { header: this.header, ops, events: [...this.events] };
    const withUnjudged = this.unjudged.length === 0 ? history : { ...history, unjudged: [...this.unjudged] };
    return this.auths.length === 0 ? withUnjudged : { ...withUnjudged, auths: [...this.auths] };
  }

  /** Streams the ops still open as "info" lines (call once, at the end of a streamed run). */
  flushOpen(): void {
    if (this.sink === null) return;
    for (const { value } of this.open.entries()) {
      const inv = this.invocations[value]!;
      this.sink(
        JSON.stringify({
          kind: 'op',
          id: inv.id,
          client: inv.client,
          session: inv.session === 0 ? null : inv.session,
          server: inv.server,
          op: inv.op,
          invokeUs: inv.invokeUs,
          completeUs: null,
          outcome: 'info',
          result: null,
          zxid: null,
        }),
      );
    }
  }
}

// ------------------------------------------------------------------ the Zab-level KV runs

/** protocol/kv/state-machine.ts ops; keys become paths (`k0` → `/k0`). */
type KvCommand =
  | { readonly type: 'set'; readonly key: string; readonly value: string }
  | { readonly type: 'cas'; readonly key: string; readonly version: number; readonly value: string }
  | { readonly type: 'get'; readonly key: string };

type KvReadResult = { readonly value: string; readonly version: number; readonly mzxid: number } | null;

/**
 * The KV runs' client (protocol/client/basic-client.ts) reports a failed cas (BADVERSION, a committed
 * error txn with its zxid) as outcome "fail"; the history makes it a definite "ok" with rc badVersion.
 */
export const kvHistoryAdapter: HistoryAdapter = {
  op(command) {
    const c = command as KvCommand;
    const path = `/${c.key}`;
    switch (c.type) {
      case 'set':
        return { type: 'kvSet', path, data: c.value };
      case 'cas':
        return { type: 'kvCas', path, data: c.value, version: c.version };
      case 'get':
        return { type: 'kvGet', path };
      default:
        return null;
    }
  },
  complete(_command, op, c) {
    const error = (c.result as { error?: unknown } | null)?.error;
    if (c.outcome === 'info') return { outcome: 'info', result: null, zxid: null, readZxid: null };
    if (op.type === 'kvGet') {
      if (c.outcome !== 'ok') return { outcome: 'fail', result: null, zxid: null, readZxid: null };
      const r = c.result as KvReadResult;
      const result: ZkResult = r === null ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, data: r.value, version: r.version, mzxid: r.mzxid };
      return { outcome: 'ok', result, zxid: null, readZxid: c.zxid };
    }
    if (c.outcome === 'ok') return { outcome: 'ok', result: { rc: 'ok', version: (c.result as { version: number }).version }, zxid: c.zxid, readZxid: null };
    if (error === 'BADVERSION' && c.zxid !== null) return { outcome: 'ok', result: { rc: 'badVersion' }, zxid: c.zxid, readZxid: null };
    return { outcome: 'fail', result: null, zxid: null, readZxid: null };
  },
};
