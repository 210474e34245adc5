// A history's writes as columns, read once from the records. The end-of-run checkers make several
// passes over ~100,000 writes; each pass that reads a record (and its op and result) misses the cache
// on objects scattered over tens of megabytes, so the numbers the passes need are copied here, in the
// one pass that reads every record anyway (HistoryView's), and later passes read typed arrays.
import { grownTo } from '../typed-array.js';
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { sortByKey } from './sort.js';

/** Op type codes (`kind`). */
export const KIND = {
  create: 0,
  delete: 1,
  setData: 2,
  setACL: 3,
  check: 4,
  getData: 5,
  exists: 6,
  getChildren: 7,
  sync: 8,
  multi: 9,
  closeSession: 10,
  kvSet: 11,
  kvCas: 12,
  kvGet: 13,
  addWatch: 14,
  removeWatches: 15,
} as const satisfies Record<ZkOp['type'], number>;

/** `flags` bits. */
export const OUTCOME_OK = 1; // outcome "ok"
export const UNCERTAIN = 2; // isUncertain: no reply, or a connection-level rc
export const RESULT_OK = 4; // a result with rc "ok"
export const BAD_VERSION = 8; // a result with rc "badVersion"

const UNCERTAIN_RCS = new Set(['connectionLoss', 'operationTimeout', 'sessionExpired']);

/** Interned paths: one dense id per distinct string, in order of first sight. */
export class PathIds {
  readonly ids = new Map<string, number>();
  id(path: string): number {
    let id = this.ids.get(path);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(path, id);
    }
    return id;
  }
}

/** Whether `touchedPaths` gives just the op's own path (the op types it does not special-case). */
export function ownPathOnly(kind: number): boolean {
  return kind !== KIND.create && kind !== KIND.delete && kind !== KIND.multi && kind !== KIND.closeSession;
}

export class WriteTable {
  /** The writes, in the order added; index i of every column is writes[i]. */
  readonly writes: ZkHistoryOp[] = [];
  /** NaN where the history has null. */
  zxid: Float64Array;
  invokeUs: Float64Array;
  completeUs: Float64Array;
  /** 1 where completeUs is not null. */
  completed: Uint8Array;
  kind: Uint8Array;
  flags: Uint8Array;
  /** The op's own path's id (ownPathOnly kinds and delete), else -1. */
  pathId: Int32Array;
  /** kvCas: op.version; kvSet: result.version (NaN when absent). NaN for the rest. */
  version: Float64Array;
  readonly paths: PathIds;
  private byZxidMemo: number[] | null = null;

  constructor(capacity: number, paths: PathIds = new PathIds()) {
    const n = Math.max(16, capacity);
    this.zxid = new Float64Array(n);
    this.invokeUs = new Float64Array(n);
    this.completeUs = new Float64Array(n);
    this.completed = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.pathId = new Int32Array(n);
    this.version = new Float64Array(n);
    this.paths = paths;
  }

  static of(writes: readonly ZkHistoryOp[], paths?: PathIds): WriteTable {
    const table = new WriteTable(writes.length, paths);
    for (const o of writes) table.add(o);
    return table;
  }

  get length(): number {
    return this.writes.length;
  }

  add(o: ZkHistoryOp): void {
    const i = this.writes.length;
    if (i === this.zxid.length) this.grow();
    this.writes.push(o);
    const op = o.op;
    const result = o.result;
    const kind = KIND[op.type];
    this.zxid[i] = o.zxid ?? Number.NaN;
    this.invokeUs[i] = o.invokeUs;
    this.completeUs[i] = o.completeUs ?? Number.NaN;
    this.completed[i] = o.completeUs === null ? 0 : 1;
    this.kind[i] = kind;
    let flags = o.outcome === 'ok' ? OUTCOME_OK : 0;
    if (o.outcome === 'info' || result === null || UNCERTAIN_RCS.has(result.rc)) flags |= UNCERTAIN;
    if (result !== null && result.rc === 'ok') flags |= RESULT_OK;
    if (result !== null && result.rc === 'badVersion') flags |= BAD_VERSION;
    this.flags[i] = flags;
    this.pathId[i] = op.type === 'multi' || op.type === 'closeSession' || op.type === 'create' ? -1 : this.paths.id(op.path);
    this.version[i] = op.type === 'kvCas' ? op.version : op.type === 'kvSet' ? (result?.version ?? Number.NaN) : Number.NaN;
  }

  private grow(): void {
    const n = this.zxid.length * 2;
    this.zxid = grownTo(this.zxid, n);
    this.invokeUs = grownTo(this.invokeUs, n);
    this.completeUs = grownTo(this.completeUs, n);
    this.version = grownTo(this.version, n);
    this.completed = grownTo(this.completed, n);
    this.kind = grownTo(this.kind, n);
    this.flags = grownTo(this.flags, n);
    this.pathId = grownTo(this.pathId, n);
  }

  /** Indices of the writes with a zxid, by zxid, ties by index (one sort shared by every checker). */
  byZxid(): number[] {
    if (this.byZxidMemo !== null) return this.byZxidMemo;
    const out: number[] = [];
    const zx = this.zxid;
    for (let i = 0; i < this.writes.length; i++) if (zx[i] === zx[i]) out.push(i); // not NaN
    sortByKey(out, zx, this.writes.length);
    this.byZxidMemo = out;
    return out;
  }
}

/** True when the client does not know what happened: no reply, or a connection-level error code. */
export function isUncertain(o: ZkHistoryOp): boolean {
  if (o.outcome === 'info' || o.result === null) return true;
  const rc = o.result.rc;
  return rc === 'connectionLoss' || rc === 'operationTimeout' || rc === 'sessionExpired';
}
