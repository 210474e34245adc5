// Turns an NDJSON trace into the compact, deterministic model the HTML report embeds: lanes, messages
// as column arrays, local events, role bands, crash and partition intervals, per-node state changes
// (for the "state at a moment" table), the narration, and for each violation its causal past.
// It reads the trace line by line; it never runs the simulator.
import { LineReader } from '../sim/trace/reader.js';

export type LaneKind = 'server' | 'observer' | 'client' | 'other';

export interface Lane {
  readonly id: number;
  readonly label: string;
  readonly kind: LaneKind;
}

/** Message columns, sorted by send time (then trace order). `k`: 0 delivered, 1 dropped, 2 duplicated. */
export interface MessageColumns {
  readonly f: number[];
  readonly to: number[];
  readonly s: number[];
  readonly r: number[];
  readonly ty: number[];
  readonly lb: number[];
  readonly k: number[];
  readonly why: number[];
}

/** Local events on one lane, in trace order (so sorted by time). */
export interface EventColumns {
  readonly n: number[];
  readonly t: number[];
  readonly c: number[];
  readonly lb: number[];
}

/** Per lane, [from, until, role, phase, epoch, leader] with role and phase as string indices. */
export type RoleBand = [number, number, number, number, number, number];
/** Per lane, [from, until, kind] with kind 0 = crashed, 1 = paused. */
export type DownBand = [number, number, number];
/** [from, until, label] network disturbance (partitions, rings, one-way cuts) until a heal. */
export type NetBand = [number, number, number];

/** State columns per lane: one row per change. */
export interface StateColumns {
  readonly t: number[];
  readonly up: number[];
  readonly role: number[];
  readonly phase: number[];
  readonly epoch: number[];
  readonly leader: number[];
  readonly cz: number[];
  readonly ci: number[];
  readonly lz: number[];
  readonly li: number[];
}

export interface ViolationInfo {
  readonly checker: string;
  readonly node: number;
  readonly at: number;
  readonly message: string;
  /** Per lane (same order as `lanes`): the latest time on that lane in the causal past, or -1. */
  readonly frontier: number[];
}

export interface StoryItem {
  readonly t: number;
  readonly node: number;
  readonly kind: 'nemesis' | 'fault' | 'phase' | 'role' | 'leader' | 'sync' | 'truncate' | 'anomaly' | 'violation' | 'assertion' | 'note';
  readonly text: string;
}

/** A narrated moment (a scenario step's text, or a run's phase), drawn beside the diagram at its time. */
export interface NarrationItem {
  readonly t: number;
  /** `step 3`, or the run's phase name. */
  readonly label: string;
  readonly text: string;
}

export interface ReportModel {
  readonly version: 1;
  readonly scenario: string;
  readonly seed: string;
  readonly options: unknown;
  readonly lanes: Lane[];
  readonly tEnd: number;
  readonly lines: number;
  readonly hash: string;
  readonly strings: string[];
  readonly types: string[];
  readonly typeCounts: number[];
  readonly cats: string[];
  readonly catCounts: number[];
  readonly m: MessageColumns;
  readonly e: EventColumns;
  readonly roles: RoleBand[][];
  readonly down: DownBand[][];
  readonly net: NetBand[];
  readonly state: StateColumns[];
  readonly violations: ViolationInfo[];
  readonly story: StoryItem[];
  readonly storyOmitted: number;
  readonly narration: NarrationItem[];
  readonly verdicts: Record<string, string> | null;
  readonly liveness: string | null;
  readonly exitCode: number | null;
}

/** Local event categories, in the order the viewer lists them. */
export const CATEGORIES = [
  'note',
  'role',
  'propose',
  'commit',
  'logged',
  'sync',
  'truncate',
  'anomaly',
  'fault',
  'invoke',
  'complete',
  'client',
  'reply',
  'duplicate',
  'timer',
  'disk',
  'observe',
  'assertion',
] as const;
export type Category = (typeof CATEGORIES)[number];

const STORY_MAX = 600;
const LABEL_MAX = 400;

type Rec = Record<string, unknown>;

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

function clip(text: string): string {
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX)}…` : text;
}

export function formatZxid(zxid: number): string {
  if (!Number.isFinite(zxid) || zxid < 0) return '-';
  return `${Math.floor(zxid / 4294967296)}:${zxid % 4294967296}`;
}

function secs(t: number): string {
  return `${(t / 1e6).toFixed(3)}s`;
}

interface MutableState {
  up: number;
  role: number;
  phase: number;
  epoch: number;
  leader: number;
  cz: number;
  ci: number;
  lz: number;
  li: number;
}

class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(text);
      this.index.set(text, i);
    }
    return i;
  }
}

/**
 * Lanes: servers, observers, the run's workload clients, then every other node the trace names. A
 * `client` record (scenario scripts write one when they open a client) makes its node a client lane
 * under the script's own name for it (c1, alice); otherwise an unknown node is drawn as `n<id>`.
 */
function laneLayout(options: Rec, seen: ReadonlySet<number>, clientNames: ReadonlyMap<number, string>): Lane[] {
  const servers = num(options['servers'], 0);
  const observers = num(options['observers'], 0);
  const workload = (options['workload'] ?? {}) as Rec;
  const clients = num(workload['clients'], 0);
  const lanes: Lane[] = [];
  const ids = new Set<number>();
  const add = (id: number, label: string, kind: LaneKind): void => {
    if (ids.has(id)) return;
    ids.add(id);
    lanes.push({ id, label, kind });
  };
  for (let i = 1; i <= servers; i++) add(i, `s${i}`, 'server');
  for (let i = servers + 1; i <= servers + observers; i++) add(i, `s${i}`, 'observer');
  for (let i = servers + observers + 1; i <= servers + observers + clients; i++) add(i, `c${i}`, 'client');
  const rest = [...seen].filter((id) => id > 0 && !ids.has(id)).sort((a, b) => a - b);
  for (const id of rest) {
    const name = clientNames.get(id);
    if (name !== undefined) add(id, name, 'client');
    else add(id, servers === 0 ? `s${id}` : `n${id}`, servers === 0 ? 'server' : 'other');
  }
  return lanes;
}

/** Reads a trace file into a report model. Throws on a file with no header. */
export function buildModel(tracePath: string): ReportModel {
  const reader = new LineReader(tracePath);
  const records: Rec[] = [];
  let header: Rec | null = null;
  let footer: Rec | null = null;
  try {
    for (let text = reader.next(); text !== null; text = reader.next()) {
      if (text.trim() === '') continue;
      const record = JSON.parse(text) as Rec;
      if (header === null && record['kind'] === 'header') {
        header = record;
        continue;
      }
      if (record['kind'] === 'end') {
        footer = record;
        continue;
      }
      records.push(record);
    }
  } finally {
    reader.close();
  }
  if (header === null) throw new Error(`${tracePath}: expected a trace header on the first line`);
  return modelFromRecords(header, records, footer);
}

/** The model for records already in memory (tests, and callers holding a MemorySink). */
export function modelFromRecords(header: Rec, records: readonly Rec[], footer: Rec | null): ReportModel {
  const options = (header['options'] ?? {}) as Rec;
  const seen = new Set<number>();
  const clientNames = new Map<number, string>();
  for (const r of records) {
    for (const key of ['node', 'from', 'to'] as const) {
      const v = r[key];
      if (typeof v === 'number' && Number.isInteger(v)) seen.add(v);
    }
    if (r['k'] === 'client' && typeof r['node'] === 'number' && typeof r['name'] === 'string') clientNames.set(r['node'], r['name']);
  }
  const lanes = laneLayout(options, seen, clientNames);
  const laneIndex = new Map<number, number>();
  lanes.forEach((lane, i) => laneIndex.set(lane.id, i));
  const strings = new Interner();
  const types = new Interner();
  const typeCounts: number[] = [];
  const catCounts: number[] = CATEGORIES.map(() => 0);
  const catIndex = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));

  interface Msg {
    f: number;
    to: number;
    s: number;
    r: number;
    ty: number;
    lb: number;
    k: number;
    why: number;
    seq: number;
  }
  const msgs: Msg[] = [];
  const e: EventColumns = { n: [], t: [], c: [], lb: [] };
  const roles: RoleBand[][] = lanes.map(() => []);
  const down: DownBand[][] = lanes.map(() => []);
  const net: NetBand[] = [];
  const state: StateColumns[] = lanes.map(() => ({ t: [], up: [], role: [], phase: [], epoch: [], leader: [], cz: [], ci: [], lz: [], li: [] }));
  const story: StoryItem[] = [];
  let storyOmitted = 0;
  const narration: NarrationItem[] = [];
  const violations: Omit<ViolationInfo, 'frontier'>[] = [];
  let verdicts: Record<string, string> | null = null;
  let liveness: string | null = null;
  let exitCode: number | null = null;
  let tEnd = 0;

  const none = strings.id('');
  const current: MutableState[] = lanes.map((lane) => ({
    up: 1,
    role: strings.id(lane.kind === 'client' ? 'CLIENT' : 'LOOKING'),
    phase: strings.id(lane.kind === 'client' ? '' : 'ELECTION'),
    epoch: -1,
    leader: -1,
    cz: -1,
    ci: -1,
    lz: -1,
    li: -1,
  }));
  const openRole: (RoleBand | null)[] = lanes.map(() => null);
  const openDown: (DownBand | null)[] = lanes.map(() => null);
  let openNet: NetBand | null = null;
  const netParts: string[] = [];

  const tell = (t: number, node: number, kind: StoryItem['kind'], text: string): void => {
    if (story.length >= STORY_MAX) {
      storyOmitted++;
      return;
    }
    story.push({ t, node, kind, text: clip(text) });
  };
  const event = (node: number, t: number, cat: Category, label: string): void => {
    if (!laneIndex.has(node)) return;
    const c = catIndex.get(cat) ?? 0;
    e.n.push(node);
    e.t.push(t);
    e.c.push(c);
    e.lb.push(strings.id(clip(label)));
    catCounts[c] = (catCounts[c] ?? 0) + 1;
  };
  const pushState = (lane: number, t: number): void => {
    const s = state[lane];
    const c = current[lane];
    if (s === undefined || c === undefined) return;
    const last = s.t.length - 1;
    const row = last >= 0 && s.t[last] === t ? last : s.t.length;
    s.t[row] = t;
    s.up[row] = c.up;
    s.role[row] = c.role;
    s.phase[row] = c.phase;
    s.epoch[row] = c.epoch;
    s.leader[row] = c.leader;
    s.cz[row] = c.cz;
    s.ci[row] = c.ci;
    s.lz[row] = c.lz;
    s.li[row] = c.li;
  };
  const openRoleBand = (lane: number, t: number): void => {
    const c = current[lane];
    const list = roles[lane];
    if (c === undefined || list === undefined) return;
    const open = openRole[lane];
    if (open !== null && open !== undefined) {
      if (open[2] === c.role && open[3] === c.phase && open[4] === c.epoch && open[5] === c.leader) return;
      open[1] = t;
    }
    if (c.up === 0) {
      openRole[lane] = null;
      return;
    }
    const band: RoleBand = [t, -1, c.role, c.phase, c.epoch, c.leader];
    list.push(band);
    openRole[lane] = band;
  };
  const label = (id: number): string => lanes[laneIndex.get(id) ?? -1]?.label ?? `n${id}`;
  const group = (g: unknown): string => (Array.isArray(g) ? `{${g.map((x) => label(num(x))).join(',')}}` : str(g));

  lanes.forEach((lane, i) => {
    if (lane.kind !== 'client') openRoleBand(i, 0);
  });
  for (const r of records) {
    const t = num(r['t']);
    if (t > tEnd) tEnd = t;
    const k = r['k'];
    switch (k) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const from = num(r['from'], -1);
        const to = num(r['to'], -1);
        const text = str(r['msg']);
        if (k === 'duplicate') {
          event(from, t, 'duplicate', `duplicated ${text} → ${label(to)}`);
          break;
        }
        if (!laneIndex.has(from) || !laneIndex.has(to)) break;
        const type = text.split(' ', 1)[0] ?? '';
        const ty = types.id(type);
        typeCounts[ty] = (typeCounts[ty] ?? 0) + 1;
        msgs.push({
          f: from,
          to,
          s: num(r['sent'], t),
          r: t,
          ty,
          lb: strings.id(clip(text)),
          k: k === 'deliver' ? 0 : 1,
          why: k === 'drop' ? strings.id(str(r['reason'])) : -1,
          seq: msgs.length,
        });
        break;
      }
      case 'note': {
        const node = num(r['node'], 0);
        event(node, t, 'note', str(r['text']));
        if (!laneIndex.has(node)) tell(t, node, 'note', str(r['text']));
        break;
      }
      case 'timer':
        event(num(r['node']), t, 'timer', `timer ${str(r['timer'])} fired`);
        break;
      case 'setTimer':
        event(num(r['node']), t, 'timer', `set timer ${str(r['timer'])} for ${secs(num(r['at']))}`);
        break;
      case 'fsync':
        event(num(r['node']), t, 'disk', `fsync #${str(r['token'])} (${str(r['writes'])} writes)`);
        break;
      case 'persist':
        event(num(r['node']), t, 'disk', `persist ${str(r['write'])}${r['sync'] === true ? ' (sync)' : ''}`);
        break;
      case 'reply':
        event(num(r['node']), t, 'reply', `reply to ${label(num(r['client']))}: ${str(r['msg'])}`);
        break;
      case 'nemesis':
        tell(t, 0, 'nemesis', `nemesis: ${str(r['fault'])}`);
        break;
      case 'phase': {
        const phase = str(r['phase']);
        tell(t, 0, 'phase', phase.startsWith('step ') ? `${phase}: ${str(r['note'])}` : `${phase} phase: ${str(r['note'])}`);
        if (narration.length < STORY_MAX) narration.push({ t, label: phase, text: clip(str(r['note'])) });
        break;
      }
      case 'fault': {
        const fault = str(r['fault']);
        const node = num(r['node'], -1);
        const lane = laneIndex.get(node);
        if (fault === 'crash' || fault === 'pause') {
          if (lane !== undefined) {
            const c = current[lane];
            if (c !== undefined) {
              if (fault === 'crash') {
                c.up = 0;
                c.role = strings.id('DOWN');
                c.phase = none;
              }
              openRoleBand(lane, t);
              pushState(lane, t);
            }
            if (openDown[lane] === null || openDown[lane] === undefined) {
              const band: DownBand = [t, -1, fault === 'crash' ? 0 : 1];
              down[lane]?.push(band);
              openDown[lane] = band;
            }
          }
          const lost = num(r['lostWrites'], 0);
          const how = r['exit'] === undefined ? 'crashed' : `exited with code ${num(r['exit'], 0)} (its supervisor restarts it)`;
          const text = fault === 'crash' ? `${label(node)} ${how}${lost > 0 ? ` (${lost} unsynced writes lost)` : ''}` : `${label(node)} paused`;
          event(node, t, 'fault', text);
          tell(t, node, 'fault', text);
        } else if (fault === 'restart' || fault === 'restart-wiped' || fault === 'resume') {
          if (lane !== undefined) {
            const open = openDown[lane];
            if (open !== null && open !== undefined) open[1] = t;
            openDown[lane] = null;
            const c = current[lane];
            const client = lanes[lane]?.kind === 'client';
            if (c !== undefined && fault !== 'resume') {
              c.up = 1;
              // A client (re)starts as a client: it never takes part in an election.
              c.role = strings.id(client ? 'CLIENT' : 'LOOKING');
              c.phase = client ? none : strings.id('ELECTION');
              if (fault === 'restart-wiped') {
                c.cz = -1;
                c.ci = -1;
                c.lz = -1;
                c.li = -1;
              }
              if (!client) openRoleBand(lane, t);
              pushState(lane, t);
            }
          }
          const clientStart = lane !== undefined && lanes[lane]?.kind === 'client' && (down[lane]?.length ?? 0) === 0;
          const text =
            fault === 'resume'
              ? `${label(node)} resumed`
              : clientStart
                ? `client ${label(node)} starts`
                : `${label(node)} restarted${fault === 'restart-wiped' ? ' with a wiped disk' : ''}`;
          event(node, t, 'fault', text);
          tell(t, node, 'fault', text);
        } else if (fault === 'heal') {
          if (openNet !== null) openNet[1] = t;
          openNet = null;
          netParts.length = 0;
          tell(t, 0, 'fault', 'network healed: every link up');
        } else if (fault === 'skew') {
          event(node, t, 'fault', `timer skew ×${str(r['factor'])}`);
        } else {
          let text: string;
          if (fault === 'one-way') text = `link ${label(num(r['from']))}→${label(num(r['to']))} cut one way`;
          else if (fault === 'ring' && Array.isArray(r['order'])) text = `ring ${(r['order'] as unknown[]).map((x) => label(num(x))).join('–')}`;
          else if (Array.isArray(r['groups'])) text = `${fault} ${(r['groups'] as unknown[]).map(group).join(' | ')}`;
          else if (fault === 'drop-next') text = `drop next ${str(r['msg'])} ${label(num(r['from']))}→${label(num(r['to']))}`;
          else text = `${fault} ${clip(JSON.stringify(r))}`;
          if (fault !== 'drop-next') {
            if (openNet !== null) openNet[1] = t;
            netParts.push(text);
            openNet = [t, -1, strings.id(netParts.join('; '))];
            net.push(openNet);
          }
          tell(t, 0, 'fault', text);
        }
        break;
      }
      case 'violation': {
        const at = num(r['at'], t);
        const v = { checker: str(r['checker']), node: num(r['node'], 0), at, message: clip(str(r['message'])) };
        violations.push(v);
        break;
      }
      case 'assertion':
      case 'error': {
        const node = num(r['node'], 0);
        const text = `${String(k).toUpperCase()} ${label(node)}: ${str(r['message'])}`;
        event(node, t, 'assertion', text);
        tell(t, node, 'assertion', text);
        violations.push({ checker: String(k), node, at: t, message: clip(str(r['message'])) });
        break;
      }
      case 'verdicts':
        verdicts = (r['verdicts'] ?? null) as Record<string, string> | null;
        liveness = r['liveness'] === undefined ? null : str(r['liveness']);
        exitCode = typeof r['exitCode'] === 'number' ? r['exitCode'] : null;
        break;
      case 'observe': {
        const node = num(r['node'], 0);
        const w = (r['what'] ?? {}) as Rec;
        const lane = laneIndex.get(node);
        const c = lane === undefined ? undefined : current[lane];
        const who = label(node);
        switch (w['kind']) {
          case 'role': {
            const role = str(w['role']);
            const phase = str(w['phase']);
            const epoch = num(w['epoch'], -1);
            const leader = w['leader'] === null ? -1 : num(w['leader'], -1);
            if (c !== undefined && lane !== undefined) {
              const before = strings.list[c.role] ?? '';
              c.up = 1;
              c.role = strings.id(role);
              c.phase = strings.id(phase);
              c.epoch = epoch;
              c.leader = leader;
              openRoleBand(lane, t);
              pushState(lane, t);
              if (before !== role)
                tell(
                  t,
                  node,
                  'role',
                  `${who} is ${role}${leader >= 0 && role !== 'LEADING' ? ` → ${label(leader)}` : ''} (${phase.toLowerCase()}, epoch ${epoch})`,
                );
            }
            event(node, t, 'role', `${role} ${phase} epoch ${epoch}${leader >= 0 ? ` leader ${label(leader)}` : ''}`);
            break;
          }
          case 'established':
            event(node, t, 'role', `established epoch ${str(w['epoch'])}`);
            tell(t, node, 'leader', `${who} established epoch ${str(w['epoch'])}`);
            break;
          case 'activated':
            event(node, t, 'role', `leader active, epoch ${str(w['epoch'])}, ${str(w['count'])} txns up to ${formatZxid(num(w['lastZxid'], -1))}`);
            tell(t, node, 'leader', `${who} leads epoch ${str(w['epoch'])} (history ${str(w['count'])} txns up to ${formatZxid(num(w['lastZxid'], -1))})`);
            break;
          case 'propose':
            event(node, t, 'propose', `propose ${formatZxid(num(w['zxid'], -1))}`);
            break;
          case 'commit':
            if (c !== undefined && lane !== undefined) {
              c.cz = num(w['zxid'], -1);
              c.ci = num(w['index'], -1);
              if (c.ci > c.li) {
                c.li = c.ci;
                c.lz = c.cz;
              }
              pushState(lane, t);
            }
            event(node, t, 'commit', `commit ${formatZxid(num(w['zxid'], -1))} #${str(w['index'])}`);
            break;
          case 'committedTo':
            if (c !== undefined && lane !== undefined) {
              c.cz = num(w['zxid'], -1);
              c.ci = num(w['count'], 0) - 1;
              if (c.ci > c.li) {
                c.li = c.ci;
                c.lz = c.cz;
              }
              pushState(lane, t);
            }
            event(node, t, 'commit', `committed to ${formatZxid(num(w['zxid'], -1))} (${str(w['count'])} txns)`);
            break;
          case 'logged':
            if (c !== undefined && lane !== undefined) {
              c.lz = num(w['zxid'], -1);
              c.li = num(w['index'], -1);
              pushState(lane, t);
            }
            event(node, t, 'logged', `logged ${formatZxid(num(w['zxid'], -1))} #${str(w['index'])}`);
            break;
          case 'truncate': {
            if (c !== undefined && lane !== undefined) {
              c.lz = num(w['zxid'], -1);
              c.li = num(w['count'], 0) - 1;
              if (c.ci > c.li) {
                c.ci = c.li;
                c.cz = c.lz;
              }
              pushState(lane, t);
            }
            const text = `${who} truncated its log to ${formatZxid(num(w['zxid'], -1))} (${str(w['count'])} txns)`;
            event(node, t, 'truncate', text);
            tell(t, node, 'truncate', text);
            break;
          }
          case 'sync': {
            const text = `${who} syncs ${label(num(w['learner']))} by ${str(w['mode'])} to ${formatZxid(num(w['zxid'], -1))} (learner at ${formatZxid(num(w['peerLastZxid'], -1))})`;
            event(node, t, 'sync', text);
            if (w['mode'] !== 'DIFF') tell(t, node, 'sync', text);
            break;
          }
          case 'anomaly': {
            const text = `anomaly ${str(w['flag'])}: ${str(w['detail'])}`;
            event(node, t, 'anomaly', text);
            tell(t, node, 'anomaly', `${who}: ${text}`);
            break;
          }
          case 'invoke':
            event(node, t, 'invoke', `invoke xid=${str(w['xid'])} ${str(w['op'])} at ${label(num(w['server']))}`);
            break;
          case 'complete':
            event(
              node,
              t,
              'complete',
              `${str(w['outcome'])} xid=${str(w['xid'])} result=${str(w['result'])}${w['zxid'] === null || w['zxid'] === undefined ? '' : ` zxid=${formatZxid(num(w['zxid'], -1))}`}`,
            );
            break;
          case 'session':
          case 'watch':
            event(node, t, 'client', `${str(w['kind'])} ${clip(JSON.stringify(w))}`);
            break;
          default:
            event(node, t, 'observe', clip(JSON.stringify(w)));
        }
        break;
      }
      default:
        break;
    }
  }
  for (const band of roles.flat()) if (band[1] < 0) band[1] = tEnd;
  for (const band of down.flat()) if (band[1] < 0) band[1] = tEnd;
  for (const band of net) if (band[1] < 0) band[1] = tEnd;
  for (const v of violations) tell(v.at, v.node, 'violation', `VIOLATION ${v.checker} (${label(v.node)}): ${v.message}`);
  story.sort((a, b) => a.t - b.t);

  msgs.sort((a, b) => a.s - b.s || a.seq - b.seq);
  const m: MessageColumns = { f: [], to: [], s: [], r: [], ty: [], lb: [], k: [], why: [] };
  for (const x of msgs) {
    m.f.push(x.f);
    m.to.push(x.to);
    m.s.push(x.s);
    m.r.push(x.r);
    m.ty.push(x.ty);
    m.lb.push(x.lb);
    m.k.push(x.k);
    m.why.push(x.why);
  }
  sortEventsByTime(e);
  violations.sort((a, b) => a.at - b.at);
  const withFrontier = violations.slice(0, 50).map((v) => ({ ...v, frontier: causalFrontier(lanes, laneIndex, m, v.node, v.at) }));

  return {
    version: 1,
    scenario: str(options['scenario']) || 'trace',
    seed: str(header['seed']),
    options,
    lanes,
    tEnd,
    lines: footer === null ? records.length : num(footer['lines'], records.length),
    hash: footer === null ? '' : str(footer['hash']),
    strings: strings.list,
    types: types.list,
    typeCounts,
    cats: [...CATEGORIES],
    catCounts,
    m,
    e,
    roles,
    down,
    net,
    state,
    violations: withFrontier,
    story,
    storyOmitted,
    narration,
    verdicts,
    liveness,
    exitCode,
  };
}

/**
 * The causal past of an event at (node, at): per lane, the latest time whose events happen-before
 * it, following program order on each lane and delivered messages (send happens-before delivery).
 */
export function causalFrontier(lanes: readonly Lane[], laneIndex: ReadonlyMap<number, number>, m: MessageColumns, node: number, at: number): number[] {
  const frontier = lanes.map(() => -1);
  const start = laneIndex.get(node);
  if (start === undefined) return frontier;
  frontier[start] = at;
  const order: number[] = [];
  for (let i = 0; i < m.r.length; i++) if (m.k[i] === 0) order.push(i);
  order.sort((a, b) => (m.r[b] ?? 0) - (m.r[a] ?? 0) || b - a);
  for (let pass = 0; pass < 8; pass++) {
    let changed = false;
    for (const i of order) {
      const to = laneIndex.get(m.to[i] ?? -1);
      const from = laneIndex.get(m.f[i] ?? -1);
      if (to === undefined || from === undefined) continue;
      const r = m.r[i] ?? 0;
      const s = m.s[i] ?? 0;
      if (r <= (frontier[to] ?? -1) && s > (frontier[from] ?? -1)) {
        frontier[from] = s;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return frontier;
}

/** Trace order is time order; this keeps the invariant the viewer's binary searches rely on anyway. */
function sortEventsByTime(e: EventColumns): void {
  let sorted = true;
  for (let i = 1; i < e.t.length; i++) if ((e.t[i] ?? 0) < (e.t[i - 1] ?? 0)) sorted = false;
  if (sorted) return;
  const order = e.t.map((_, i) => i).sort((a, b) => (e.t[a] ?? 0) - (e.t[b] ?? 0) || a - b);
  for (const column of [e.n, e.t, e.c, e.lb]) {
    const copy = order.map((i) => column[i] ?? 0);
    for (let i = 0; i < copy.length; i++) column[i] = copy[i] ?? 0;
  }
}
