// What the studio's side panels read at the cursor, for one run: the original or a branch, whole or
// still being simulated. Each server's log tail and data come from the run's state recorder (the
// state in force at the moment), each client's pending calls from the trace's invoke and complete
// observations, and the messages in flight from the report model the viewer draws.
import type { NodeId } from '../../protocol/program.js';
import type { ReportModel } from '../model.js';
import { dataOf, logTail, type StateRecorder } from './recorder.js';

export interface ServerDetail {
  readonly node: NodeId;
  readonly down: boolean;
  readonly log: readonly { zxid: string; body: string; committed: boolean }[];
  readonly data: readonly string[];
  readonly moreData: number;
}

export interface PendingCall {
  readonly client: NodeId;
  readonly xid: number;
  readonly op: string;
  readonly server: NodeId;
  readonly since: number;
}

export interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly sentUs: number;
  readonly msg: string;
}

interface Call {
  readonly client: NodeId;
  readonly xid: number;
  readonly op: string;
  readonly server: NodeId;
  readonly t: number;
  end: number;
}

export class RunView {
  readonly model: ReportModel;
  private readonly recorder: StateRecorder | null;
  private readonly calls: Call[] = [];

  /** `lines` are the run's trace lines so far; a view of a run still under way is made again when it ends. */
  constructor(recorder: StateRecorder | null, lines: readonly string[], model: ReportModel) {
    this.recorder = recorder;
    this.model = model;
    const open = new Map<string, Call>();
    for (const line of lines) {
      if (!line.includes('"k":"observe"')) continue;
      const r = JSON.parse(line) as { t: number; node: number; what?: Record<string, unknown> };
      const w = r.what;
      if (w?.['kind'] === 'invoke') {
        const call: Call = { client: r.node, xid: Number(w['xid']), op: describeOp(w['op']), server: Number(w['server']), t: r.t, end: Infinity };
        open.set(`${r.node}/${call.xid}`, call);
        this.calls.push(call);
      } else if (w?.['kind'] === 'complete') {
        const call = open.get(`${r.node}/${String(w['xid'])}`);
        if (call !== undefined) call.end = r.t;
      }
    }
  }

  /** Each server's log tail and data at moment t. */
  serversAt(t: number, logN = 5, dataN = 8): ServerDetail[] {
    const rec = this.recorder;
    if (rec === null) return [];
    return rec.servers.map((node) => {
      const s = rec.stateAt(node, t);
      if (s === null) return { node, down: true, log: [], data: [], moreData: 0 };
      const data = dataOf(s, dataN);
      return { node, down: false, log: logTail(s, logN), data: data.entries, moreData: data.more };
    });
  }

  /** Every client call invoked at or before t and not completed by then. */
  pendingAt(t: number): PendingCall[] {
    return this.calls.filter((c) => c.t <= t && c.end > t).map((c) => ({ client: c.client, xid: c.xid, op: c.op, server: c.server, since: c.t }));
  }

  /** Network messages sent at or before t and delivered (or lost) after it: what a fork can drop. */
  inFlightAt(t: number): InFlight[] {
    const m = this.model.m;
    const out: InFlight[] = [];
    for (let i = 0; i < m.s.length && (m.s[i] ?? 0) <= t; i++) {
      if ((m.r[i] ?? 0) > t && (m.f[i] ?? 0) > 0)
        out.push({ from: m.f[i] ?? 0, to: m.to[i] ?? 0, sentUs: m.s[i] ?? 0, msg: this.model.strings[m.lb[i] ?? 0] ?? '' });
    }
    return out;
  }
}

function describeOp(op: unknown): string {
  const o = op as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') return String(op);
  const type = String(o['type'] ?? '?');
  if (typeof o['key'] === 'string') return o['value'] === undefined ? `${type} ${o['key']}` : `${type} ${o['key']}=${String(o['value'])}`;
  if (typeof o['path'] === 'string') return `${type} ${o['path']}`;
  return JSON.stringify(o).slice(0, 48);
}
