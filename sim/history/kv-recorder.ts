// Records the client history of a Zab-level KV run (sim/zab/run.ts) as columns: the same history a
// HistoryRecorder with kvHistoryAdapter records, without an object per operation. A run of 150,000
// operations kept some 600,000 small objects alive (record, op, result, path, boxed zxids), which
// every young-generation collection copied; here each operation is a slot in typed arrays, and the
// records are built only if `history()` is called. `columns()` hands the columns to the checkers'
// fast path (sim/checkers/kv-fast.ts), which judges a run without the records.
//
// What `history()` returns is exactly what HistoryRecorder(kvHistoryAdapter) returns for the same
// observations: the same records, keys in the same order, the same holes. An operation whose
// command or completion has an unexpected shape (the adapter passes such values through as they
// are) gets its record built by the adapter itself, as before, and the columns are withheld.
import { grownTo } from '../typed-array.js';
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { KernelObserver } from '../kernel/kernel.js';
import { kvHistoryAdapter, type CompleteObservation } from './recorder.js';
import { OpenTable } from './open-table.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryHeader, ZkHistoryOp, ZkOp, ZkResult, ZkSessionState, ZkWatchType } from './types.js';

/** `kind` codes. */
export const KV_SET = 0;
export const KV_CAS = 1;
export const KV_GET = 2;

/** `outcome` codes (an op still open is INFO). */
export const OUTCOME_OK = 1;
export const OUTCOME_FAIL = 2;
export const OUTCOME_INFO = 3;

/** `resultKind` codes: the record's `result`. */
export const RESULT_NONE = 0; // null
export const RESULT_WRITTEN = 1; // { rc: 'ok', version }
export const RESULT_BAD_VERSION = 2; // { rc: 'badVersion' }
export const RESULT_ABSENT = 3; // { rc: 'ok', exists: false }
export const RESULT_READ = 4; // { rc: 'ok', exists: true, data, version, mzxid }

/** `state` codes. */
const HOLE = 0; // no record: opened again under the same (client, xid) before it completed, or its completion threw
const OPEN = 1;
const DONE = 2;
const EXOTIC = 3; // its record is in `exoticRecords`

/**
 * The history as columns, indexed by op id (= position in `ops`), for an all-plain history: every op
 * is a kvSet, kvCas or kvGet with string key and value and a numeric version, every completion has the
 * shape the KV client gives, no op has a session, and there are no events. NaN stands for null.
 */
export interface KvColumns {
  readonly length: number;
  /** The interned paths (`/key`), by path id. */
  readonly paths: readonly string[];
  readonly client: Float64Array;
  readonly kind: Uint8Array;
  readonly pathId: Int32Array;
  /** kvSet / kvCas: op.data. */
  readonly data: readonly string[];
  /** kvCas: op.version. */
  readonly casVersion: Float64Array;
  readonly invokeUs: Float64Array;
  /** NaN: null (no reply, or still open). */
  readonly completeUs: Float64Array;
  readonly outcome: Uint8Array;
  /** completeSeq; NaN when absent (the op is still open). */
  readonly completeSeq: Float64Array;
  /** NaN: null. */
  readonly zxid: Float64Array;
  /** NaN: no readZxid key (it is written only when not null). */
  readonly readZxid: Float64Array;
  readonly resultKind: Uint8Array;
  /** RESULT_WRITTEN and RESULT_READ: result.version. */
  readonly resultVersion: Float64Array;
  /** RESULT_READ: result.data. */
  readonly resultData: readonly string[];
  /** RESULT_READ: result.mzxid. */
  readonly mzxid: Float64Array;
}

type KvCommand = { readonly type: unknown; readonly key: unknown; readonly value?: unknown; readonly version?: unknown };

export class KvHistoryRecorder implements KernelObserver {
  private readonly header: ZkHistoryHeader;
  private n = 0;
  private capacity: number;
  private readonly paths: string[] = [];
  /** Path ids by key: the path is `/${key}`, one to one. */
  private readonly pathIdOf = new Map<string, number>();
  private state: Uint8Array;
  private client: Float64Array;
  /** The server of the invocation, then of the completion (as the record has it). */
  private server: Float64Array;
  private kind: Uint8Array;
  private pathId: Int32Array;
  private readonly data: string[] = [];
  private casVersion: Float64Array;
  private invokeUs: Float64Array;
  private completeUs: Float64Array;
  private outcome: Uint8Array;
  private completeSeq: Float64Array;
  private zxid: Float64Array;
  private readZxid: Float64Array;
  private resultKind: Uint8Array;
  private resultVersion: Float64Array;
  private readonly resultData: string[] = [];
  private mzxid: Float64Array;
  /** Ops whose invocation had an unexpected shape: their op and invocation session, as the adapter made them. */
  private readonly exoticOps = new Map<number, { readonly op: ZkOp; readonly session: unknown; readonly server: unknown; readonly client: unknown }>();
  /** Completed ops with an unexpected shape somewhere: their records, as HistoryRecorder made them. */
  private readonly exoticRecords = new Map<number, ZkHistoryOp>();
  private readonly events: ZkHistoryEvent[] = [];
  private readonly open = new OpenTable();
  private seq = 0;

  /** `capacity`: how many ops to make room for at first (the columns double when full). */
  constructor(meta: Record<string, unknown> = {}, capacity = 1024) {
    this.header = { kind: 'header', version: 1, ...meta };
    const n = Math.max(16, Math.min(Math.floor(capacity) || 0, 1 << 24));
    this.capacity = n;
    this.state = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.outcome = new Uint8Array(n);
    this.resultKind = new Uint8Array(n);
    this.pathId = new Int32Array(n);
    this.client = new Float64Array(n);
    this.server = new Float64Array(n);
    this.casVersion = new Float64Array(n);
    this.invokeUs = new Float64Array(n);
    this.completeUs = new Float64Array(n);
    this.completeSeq = new Float64Array(n);
    this.zxid = new Float64Array(n);
    this.readZxid = new Float64Array(n);
    this.resultVersion = new Float64Array(n);
    this.mzxid = new Float64Array(n);
  }

  /** Ops invoked so far. */
  get opCount(): number {
    return this.n;
  }

  private grow(): void {
    const n = this.capacity * 2;
    this.state = grownTo(this.state, n);
    this.kind = grownTo(this.kind, n);
    this.outcome = grownTo(this.outcome, n);
    this.resultKind = grownTo(this.resultKind, n);
    this.client = grownTo(this.client, n);
    this.server = grownTo(this.server, n);
    this.casVersion = grownTo(this.casVersion, n);
    this.invokeUs = grownTo(this.invokeUs, n);
    this.completeUs = grownTo(this.completeUs, n);
    this.completeSeq = grownTo(this.completeSeq, n);
    this.zxid = grownTo(this.zxid, n);
    this.readZxid = grownTo(this.readZxid, n);
    this.resultVersion = grownTo(this.resultVersion, n);
    this.mzxid = grownTo(this.mzxid, n);
    this.pathId = grownTo(this.pathId, n);
    this.capacity = n;
  }

  private pathIdFor(key: string): number {
    let id = this.pathIdOf.get(key);
    if (id === undefined) {
      id = this.paths.length;
      this.paths.push(`/${key}`);
      this.pathIdOf.set(key, id);
    }
    return id;
  }

  observe(node: NodeId, what: unknown, nowUs: number): void {
    const o = what as ZabObservation;
    switch (o.kind) {
      case 'invoke':
        return this.onInvoke(o, nowUs);
      case 'complete':
        return this.onComplete(o, nowUs);
      case 'watch':
        this.events.push({
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
        this.events.push({
          kind: 'session',
          client: o.client,
          session: o.session,
          server: o.server,
          state: o.state as ZkSessionState,
          atUs: nowUs,
          seq: this.seq++,
        });
        return;
      default:
        void node;
    }
  }

  private onInvoke(o: Extract<ZabObservation, { kind: 'invoke' }>, nowUs: number): void {
    const c = o.op as KvCommand | null;
    // The plain shape: what kvHistoryAdapter.op turns into { type, path: `/${key}`, data[, version] }.
    const plain =
      c !== null &&
      typeof c === 'object' &&
      typeof c.key === 'string' &&
      o.session === undefined &&
      typeof o.client === 'number' &&
      typeof o.server === 'number' &&
      (c.type === 'get' || (typeof c.value === 'string' && (c.type === 'set' || (c.type === 'cas' && typeof c.version === 'number'))));
    let exotic: ZkOp | null = null;
    if (!plain) {
      exotic = kvHistoryAdapter.op(o.op);
      if (exotic === null) return;
    }
    const id = this.n++;
    if (id === this.capacity) this.grow();
    this.invokeUs[id] = nowUs;
    this.client[id] = o.client;
    this.server[id] = o.server;
    const replaced = this.open.set(o.client, o.xid, id);
    if (replaced !== undefined) this.state[replaced] = HOLE;
    if (exotic !== null) {
      this.exoticOps.set(id, { op: exotic, session: o.session ?? null, server: o.server, client: o.client });
      this.data.push('');
      this.resultData.push('');
      this.state[id] = OPEN;
      return;
    }
    const command = c!;
    this.kind[id] = command.type === 'set' ? KV_SET : command.type === 'cas' ? KV_CAS : KV_GET;
    this.pathId[id] = this.pathIdFor(command.key as string);
    this.data.push(command.type === 'get' ? '' : (command.value as string));
    this.resultData.push('');
    if (command.type === 'cas') this.casVersion[id] = command.version as number;
    this.state[id] = OPEN;
  }

  private onComplete(o: CompleteObservation, nowUs: number): void {
    const id = this.open.take(o.client, o.xid);
    if (id === undefined) return;
    const seq = this.seq++;
    this.state[id] = HOLE; // until its record is made (the adapter throws on some shapes, as before)
    if (this.exoticOps.has(id) || !this.completePlain(id, o, nowUs, seq)) this.completeExotic(id, o, nowUs, seq);
  }

  /** Fills the columns as kvHistoryAdapter.complete would make the record; false when the completion is not plain. */
  private completePlain(id: number, o: CompleteObservation, nowUs: number, seq: number): boolean {
    if (o.session !== undefined || typeof o.server !== 'number') return false;
    const zxid = o.zxid;
    if (zxid !== null && typeof zxid !== 'number') return false;
    let outcome: number;
    let resultKind = RESULT_NONE;
    let recordZxid = Number.NaN;
    let readZxid = Number.NaN;
    if (o.outcome === 'info') outcome = OUTCOME_INFO;
    else if (this.kind[id] === KV_GET) {
      if (o.outcome !== 'ok') outcome = OUTCOME_FAIL;
      else {
        const r = o.result as { value?: unknown; version?: unknown; mzxid?: unknown } | null;
        if (r === null) resultKind = RESULT_ABSENT;
        else if (typeof r === 'object' && typeof r.value === 'string' && typeof r.version === 'number' && typeof r.mzxid === 'number') {
          resultKind = RESULT_READ;
          this.resultData[id] = r.value;
          this.resultVersion[id] = r.version;
          this.mzxid[id] = r.mzxid;
        } else return false;
        outcome = OUTCOME_OK;
        if (zxid !== null) {
          if (zxid !== zxid) return false; // NaN would read as null here
          readZxid = zxid;
        }
      }
    } else {
      const result = o.result as { error?: unknown; version?: unknown } | null;
      if (o.outcome === 'ok') {
        if (result === null || typeof result !== 'object' || typeof result.version !== 'number') return false;
        resultKind = RESULT_WRITTEN;
        this.resultVersion[id] = result.version;
        outcome = OUTCOME_OK;
        if (zxid !== null) {
          if (zxid !== zxid) return false;
          recordZxid = zxid;
        }
      } else if ((result as { error?: unknown } | null)?.error === 'BADVERSION' && zxid !== null) {
        if (zxid !== zxid) return false;
        resultKind = RESULT_BAD_VERSION;
        outcome = OUTCOME_OK;
        recordZxid = zxid;
      } else outcome = OUTCOME_FAIL;
    }
    this.state[id] = DONE;
    this.server[id] = o.server;
    this.outcome[id] = outcome;
    this.completeUs[id] = outcome === OUTCOME_INFO ? Number.NaN : nowUs;
    this.completeSeq[id] = seq;
    this.zxid[id] = recordZxid;
    this.readZxid[id] = readZxid;
    this.resultKind[id] = resultKind;
    return true;
  }

  /** The record HistoryRecorder would make, with the adapter's own code. */
  private completeExotic(id: number, o: CompleteObservation, nowUs: number, seq: number): void {
    const inv = this.invocation(id);
    const c = kvHistoryAdapter.complete(null, inv.op, o);
    const session = o.session !== undefined && o.session !== 0 ? o.session : inv.session === 0 ? null : (inv.session as number | null);
    const completeUs = c.outcome === 'info' ? null : nowUs;
    const result = c.outcome === 'info' ? null : c.result;
    const record: ZkHistoryOp =
      c.readZxid === null
        ? {
            kind: 'op',
            id,
            client: inv.client as number,
            session,
            server: o.server,
            op: inv.op,
            invokeUs: this.invokeUs[id]!,
            completeUs,
            outcome: c.outcome,
            result,
            zxid: c.zxid,
            completeSeq: seq,
          }
        : {
            kind: 'op',
            id,
            client: inv.client as number,
            session,
            server: o.server,
            op: inv.op,
            invokeUs: this.invokeUs[id]!,
            completeUs,
            outcome: c.outcome,
            result,
            zxid: c.zxid,
            readZxid: c.readZxid,
            completeSeq: seq,
          };
    this.exoticRecords.set(id, record);
    this.state[id] = EXOTIC;
  }

  /** An op's invocation as HistoryRecorder kept it: op, session, server and client. */
  private invocation(id: number): { readonly op: ZkOp; readonly session: unknown; readonly server: unknown; readonly client: unknown } {
    const exotic = this.exoticOps.get(id);
    if (exotic !== undefined) return exotic;
    return { op: this.opOf(id), session: null, server: this.server[id]!, client: this.client[id]! };
  }

  private opOf(id: number): ZkOp {
    const path = this.paths[this.pathId[id]!]!;
    switch (this.kind[id]) {
      case KV_SET:
        return { type: 'kvSet', path, data: this.data[id]! };
      case KV_CAS:
        return { type: 'kvCas', path, data: this.data[id]!, version: this.casVersion[id]! };
      default:
        return { type: 'kvGet', path };
    }
  }

  private resultOf(id: number): ZkResult | null {
    switch (this.resultKind[id]) {
      case RESULT_WRITTEN:
        return { rc: 'ok', version: this.resultVersion[id]! };
      case RESULT_BAD_VERSION:
        return { rc: 'badVersion' };
      case RESULT_ABSENT:
        return { rc: 'ok', exists: false };
      case RESULT_READ:
        return { rc: 'ok', exists: true, data: this.resultData[id]!, version: this.resultVersion[id]!, mzxid: this.mzxid[id]! };
      default:
        return null;
    }
  }

  /** The history so far; ops still open are "info" (no reply). Does not change the recorder. */
  history(): ZkHistory {
    const n = this.n;
    const ops: ZkHistoryOp[] = new Array<ZkHistoryOp>(n);
    const orNull = (x: number): number | null => (x === x ? x : null);
    for (let id = 0; id < n; id++) {
      const state = this.state[id];
      if (state === EXOTIC) ops[id] = this.exoticRecords.get(id)!;
      if (state !== DONE) continue;
      const outcome = this.outcome[id];
      const readZxid = this.readZxid[id]!;
      const base = {
        client: this.client[id]!,
        server: this.server[id]!,
        op: this.opOf(id),
        invokeUs: this.invokeUs[id]!,
        completeUs: orNull(this.completeUs[id]!),
        outcome: outcome === OUTCOME_OK ? ('ok' as const) : outcome === OUTCOME_FAIL ? ('fail' as const) : ('info' as const),
        result: this.resultOf(id),
        zxid: orNull(this.zxid[id]!),
        completeSeq: this.completeSeq[id]!,
      };
      // Two literals, keys in HistoryRecorder's order.
      ops[id] =
        readZxid !== readZxid
          ? {
              kind: 'op',
              id,
              client: base.client,
              session: null,
              server: base.server,
              op: base.op,
              invokeUs: base.invokeUs,
              completeUs: base.completeUs,
              outcome: base.outcome,
              result: base.result,
              zxid: base.zxid,
              completeSeq: base.completeSeq,
            }
          : {
              kind: 'op',
              id,
              client: base.client,
              session: null,
              server: base.server,
              op: base.op,
              invokeUs: base.invokeUs,
              completeUs: base.completeUs,
              outcome: base.outcome,
              result: base.result,
              zxid: base.zxid,
              readZxid,
              completeSeq: base.completeSeq,
            };
    }
    for (const { value: id } of this.open.entries()) {
      const inv = this.invocation(id);
      ops[id] = {
        kind: 'op',
        id,
        client: inv.client as number,
        session: inv.session === 0 ? null : (inv.session as number | null),
        server: inv.server as number,
        op: inv.op,
        invokeUs: this.invokeUs[id]!,
        completeUs: null,
        outcome: 'info',
        result: null,
        zxid: null,
      };
    }
    return this.events.length === 0 ? { header: this.header, ops } : { header: this.header, ops, events: [...this.events] };
  }

  /** The columns, when every op is plain and there are no events (see KvColumns); else null. */
  columns(): KvColumns | null {
    if (this.events.length > 0 || this.exoticOps.size > 0 || this.exoticRecords.size > 0) return null;
    const n = this.n;
    const state = this.state;
    for (let id = 0; id < n; id++) if (state[id] === HOLE) return null;
    // Ops still open read as "info" without a reply; the columns hold that already except for these.
    const outcome = this.outcome.slice(0, n);
    const completeUs = this.completeUs.slice(0, n);
    const completeSeq = this.completeSeq.slice(0, n);
    const zxid = this.zxid.slice(0, n);
    const readZxid = this.readZxid.slice(0, n);
    const resultKind = this.resultKind.slice(0, n);
    for (const { value: id } of this.open.entries()) {
      outcome[id] = OUTCOME_INFO;
      completeUs[id] = Number.NaN;
      completeSeq[id] = Number.NaN;
      zxid[id] = Number.NaN;
      readZxid[id] = Number.NaN;
      resultKind[id] = RESULT_NONE;
    }
    return {
      length: n,
      paths: this.paths,
      client: this.client.subarray(0, n),
      kind: this.kind.subarray(0, n),
      pathId: this.pathId.subarray(0, n),
      data: this.data,
      casVersion: this.casVersion.subarray(0, n),
      invokeUs: this.invokeUs.subarray(0, n),
      completeUs,
      outcome,
      completeSeq,
      zxid,
      readZxid,
      resultKind,
      resultVersion: this.resultVersion.subarray(0, n),
      resultData: this.resultData,
      mzxid: this.mzxid.subarray(0, n),
    };
  }
}

const WRITE_KEYS = ['rc', 'version'];
const READ_KEYS = ['rc', 'exists', 'data', 'version', 'mzxid'];

function hasKeys(x: object, keys: readonly string[]): boolean {
  const own = Object.keys(x);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}

/**
 * The columns of a history given as records, when it has the plain shape KvColumns describes (ids
 * 0..n-1 in order, no sessions, no events, kv ops and results of exactly the recorder's shapes);
 * else null. For tests and for histories read from files.
 */
export function kvColumnsOf(history: ZkHistory): KvColumns | null {
  if (history.events !== undefined && history.events.length > 0) return null;
  const ops = history.ops;
  const n = ops.length;
  const paths: string[] = [];
  const pathIdOf = new Map<string, number>();
  const cols = {
    length: n,
    paths,
    client: new Float64Array(n),
    kind: new Uint8Array(n),
    pathId: new Int32Array(n),
    data: [] as string[],
    casVersion: new Float64Array(n),
    invokeUs: new Float64Array(n),
    completeUs: new Float64Array(n),
    outcome: new Uint8Array(n),
    completeSeq: new Float64Array(n),
    zxid: new Float64Array(n),
    readZxid: new Float64Array(n),
    resultKind: new Uint8Array(n),
    resultVersion: new Float64Array(n),
    resultData: [] as string[],
    mzxid: new Float64Array(n),
  };
  const num = (x: unknown): x is number => typeof x === 'number' && x === x;
  for (let i = 0; i < n; i++) {
    const o = ops[i];
    if (o === undefined || o.id !== i || o.session !== null || !num(o.client) || !num(o.invokeUs)) return null;
    const op = o.op;
    if (op.type !== 'kvSet' && op.type !== 'kvCas' && op.type !== 'kvGet') return null;
    if (typeof op.path !== 'string') return null;
    let id = pathIdOf.get(op.path);
    if (id === undefined) {
      id = paths.length;
      paths.push(op.path);
      pathIdOf.set(op.path, id);
    }
    cols.pathId[i] = id;
    cols.client[i] = o.client;
    cols.invokeUs[i] = o.invokeUs;
    if (op.type === 'kvGet') {
      cols.kind[i] = KV_GET;
      cols.data.push('');
    } else {
      if (typeof op.data !== 'string') return null;
      cols.kind[i] = op.type === 'kvSet' ? KV_SET : KV_CAS;
      cols.data.push(op.data);
      if (op.type === 'kvCas') {
        if (!num(op.version)) return null;
        cols.casVersion[i] = op.version;
      }
    }
    if (o.completeUs !== null && !num(o.completeUs)) return null;
    cols.completeUs[i] = o.completeUs ?? Number.NaN;
    cols.outcome[i] = o.outcome === 'ok' ? OUTCOME_OK : o.outcome === 'fail' ? OUTCOME_FAIL : o.outcome === 'info' ? OUTCOME_INFO : 0;
    if (cols.outcome[i] === 0) return null;
    if (o.completeSeq !== undefined && !num(o.completeSeq)) return null;
    cols.completeSeq[i] = o.completeSeq ?? Number.NaN;
    if (o.zxid !== null && (!num(o.zxid) || op.type === 'kvGet')) return null; // only writes carry a zxid
    cols.zxid[i] = o.zxid ?? Number.NaN;
    if (o.readZxid !== undefined && o.readZxid !== null && !num(o.readZxid)) return null;
    cols.readZxid[i] = o.readZxid ?? Number.NaN;
    const r = o.result;
    cols.resultData.push('');
    if (r === null) cols.resultKind[i] = RESULT_NONE;
    else if (op.type !== 'kvGet') {
      if (r.rc === 'badVersion' && hasKeys(r, ['rc'])) cols.resultKind[i] = RESULT_BAD_VERSION;
      else if (r.rc === 'ok' && hasKeys(r, WRITE_KEYS) && num(r.version)) {
        cols.resultKind[i] = RESULT_WRITTEN;
        cols.resultVersion[i] = r.version;
      } else return null;
    } else if (r.rc === 'ok' && r.exists === false && hasKeys(r, ['rc', 'exists'])) cols.resultKind[i] = RESULT_ABSENT;
    else if (r.rc === 'ok' && r.exists === true && hasKeys(r, READ_KEYS) && typeof r.data === 'string' && num(r.version) && num(r.mzxid)) {
      cols.resultKind[i] = RESULT_READ;
      cols.resultData[i] = r.data;
      cols.resultVersion[i] = r.version;
      cols.mzxid[i] = r.mzxid;
    } else return null;
  }
  return cols;
}
