// How the scenario language names ZooKeeper things: client commands parsed from scenario words
// (`create c1 /a data=x mode=ephemeral`), completions, watch events and recipe claims printed as one
// compact line each. Pure functions; the verbs that use them are in verbs/.
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE, type CreateMode } from '../../protocol/tree/index.js';
import type { ZkResponse } from '../../protocol/service/types.js';
import { formatZxid, type Zxid } from '../../protocol/zxid.js';
import type { Command } from './datadriven.js';

/** The verbs that issue one ZooKeeper call, with the syntax each expects (for error messages). */
export const ZK_CALL_SYNTAX: Readonly<Record<string, string>> = {
  create: 'create CLIENT PATH [data=D] [mode=persistent|ephemeral|sequential|ephemeral-sequential]',
  delete: 'delete CLIENT PATH [version=V]',
  set: 'set CLIENT PATH data=D [version=V]',
  get: 'get CLIENT PATH [watch]',
  exists: 'exists CLIENT PATH [watch]',
  children: 'children CLIENT PATH [watch]',
  sync: 'sync CLIENT PATH',
};

const MODES: Readonly<Record<string, CreateMode>> = {
  persistent: 'PERSISTENT',
  ephemeral: 'EPHEMERAL',
  sequential: 'PERSISTENT_SEQUENTIAL',
  'persistent-sequential': 'PERSISTENT_SEQUENTIAL',
  'ephemeral-sequential': 'EPHEMERAL_SEQUENTIAL',
};

function version(cmd: Command): number {
  const v = cmd.args.get('version');
  if (v === undefined) return -1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < -1) throw new Error(`version=${v} is not an integer >= -1`);
  return n;
}

/** Parses `VERB CLIENT PATH ...` into the client's name and its ZooKeeper call. */
export function zkCallOf(cmd: Command): { readonly client: string; readonly command: ZkCommand } {
  const syntax = ZK_CALL_SYNTAX[cmd.verb];
  if (syntax === undefined) throw new Error(`'${cmd.verb}' is not a ZooKeeper call`);
  const [client, path] = cmd.words;
  if (client === undefined || path === undefined || !path.startsWith('/')) throw new Error(`expected: ${syntax}`);
  const watch = cmd.words.includes('watch');
  switch (cmd.verb) {
    case 'create': {
      const modeWord = cmd.args.get('mode') ?? 'persistent';
      const mode = MODES[modeWord];
      if (mode === undefined) throw new Error(`mode=${modeWord}: expected one of ${Object.keys(MODES).join(', ')}`);
      return { client, command: { type: 'create', path, data: cmd.args.get('data') ?? '', acl: OPEN_ACL_UNSAFE, mode } };
    }
    case 'delete':
      return { client, command: { type: 'remove', path, version: version(cmd) } };
    case 'set': {
      const data = cmd.args.get('data');
      if (data === undefined) throw new Error(`expected: ${syntax}`);
      return { client, command: { type: 'setData', path, data, version: version(cmd) } };
    }
    case 'get':
      return { client, command: { type: 'getData', path, watch } };
    case 'exists':
      return { client, command: { type: 'exists', path, watch } };
    case 'children':
      return { client, command: { type: 'getChildren', path, watch } };
    default:
      return { client, command: { type: 'sync', path } };
  }
}

/** `create /a`, `getData /a (watch)`, `close`. */
export function describeZkCommand(op: unknown): string {
  const c = op as ZkCommand;
  if (typeof c !== 'object' || c === null || !('type' in c)) return JSON.stringify(op);
  const path = 'path' in c ? ` ${c.path}` : '';
  const extra = c.type === 'create' ? ` ${c.mode.toLowerCase().replace('_', '-')}` : c.type === 'setData' ? ` data=${String(c.data)}` : '';
  const watch = 'watch' in c && c.watch ? ' watch' : '';
  return `${c.type}${path}${extra}${watch}`;
}

function describeResponse(r: ZkResponse | null): string {
  if (r === null) return '';
  switch (r.type) {
    case 'create':
      return ` ${r.path}`;
    case 'getData':
      return ` data=${String(r.data)} version=${r.stat.version}`;
    case 'setData':
    case 'exists':
      return ` version=${r.stat.version}`;
    case 'getChildren':
      return ` [${[...r.children].sort().join(' ')}]`;
    default:
      return '';
  }
}

/** `OK /a zxid=1:3`, `NONODE`, `CONNECTIONLOSS (outcome unknown)`. */
export function describeZkCompletion(outcome: string, result: unknown, zxid: Zxid | null): string {
  const r = result as ZkCompletion | null;
  const err = r?.err ?? 'unknown';
  if (outcome === 'info') return `${err} (outcome unknown)`;
  const at = zxid === null || err !== 'OK' ? '' : ` zxid=${formatZxid(zxid)}`;
  return `${err}${err === 'OK' ? describeResponse(r?.response ?? null) : ''}${at}`;
}

/** A recipe claim: `acquired /lock/c7-a1-0000000000`, `members [m5 m6]`. */
export function describeClaim(event: string, detail: unknown): string {
  if (detail === null || detail === undefined) return event;
  if (Array.isArray(detail)) return `${event} [${detail.join(' ')}]`;
  return `${event} ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
}
