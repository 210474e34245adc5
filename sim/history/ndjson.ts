// Reader and writer for zabsim's NDJSON client histories (the record layout is documented in types.ts).
// The reader validates every field and reports the first problem as file:line: expected ...

import {
  HistoryFormatError,
  ZK_ADD_WATCH_MODES,
  ZK_CREATE_MODES,
  ZK_CREATE_STAT_FIELDS,
  ZK_OP_TYPES,
  ZK_RETURN_CODES,
  ZK_SESSION_STATES,
  ZK_UNJUDGED_READS,
  ZK_WATCH_TYPES,
  ZK_WATCHER_TYPES,
} from './types.js';
import type {
  ZkAclEntry,
  ZkCreateMode,
  ZkCreateStat,
  ZkHistory,
  ZkHistoryAuth,
  ZkHistoryEvent,
  ZkHistoryHeader,
  ZkHistoryOp,
  ZkHistoryUnjudged,
  ZkOp,
  ZkOpType,
  ZkOutcome,
  ZkResult,
  ZkReturnCode,
  ZkUnjudgedRead,
} from './types.js';

type Json = Record<string, unknown>;

class Fields {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number) {
    this.file = file;
    this.line = line;
  }
  fail(expected: string): never {
    throw new HistoryFormatError(this.file, this.line, expected);
  }
  object(value: unknown, what: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${what} to be a JSON object`);
    return value as Json;
  }
  integer(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(`${what} to be an integer`);
    return value;
  }
  integerOrNull(value: unknown, what: string): number | null {
    return value === null ? null : this.integer(value, `${what} (or null)`);
  }
  string(value: unknown, what: string): string {
    if (typeof value !== 'string') this.fail(`${what} to be a string`);
    return value;
  }
  path(value: unknown, what: string): string {
    const path = this.string(value, what);
    if (!path.startsWith('/')) this.fail(`${what} to be an absolute znode path starting with "/"`);
    return path;
  }
  oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`${what} to be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    return value as T;
  }
}

/** The optional `restrictedRead` flag of create and setACL (types.ts); false when absent. */
function restrictedRead(f: Fields, o: Json, what: string): boolean {
  const flag = o['restrictedRead'];
  if (flag === undefined) return false;
  if (typeof flag !== 'boolean') f.fail(`${what}.restrictedRead to be a boolean`);
  return flag;
}

/** The optional `acl` of create and setACL (types.ts ZkAclEntry); undefined when absent. */
function aclOf(f: Fields, o: Json, what: string): readonly ZkAclEntry[] | undefined {
  const acl = o['acl'];
  if (acl === undefined) return undefined;
  if (!Array.isArray(acl)) f.fail(`${what}.acl to be an array of {"perms","scheme","id"} entries`);
  return acl.map((entry, i) => {
    const e = f.object(entry, `${what}.acl[${i}]`);
    return { perms: f.integer(e['perms'], `${what}.acl[${i}].perms`), scheme: f.string(e['scheme'], `${what}.acl[${i}].scheme`), id: f.string(e['id'], `${what}.acl[${i}].id`) };
  });
}

/** An op with its `restrictedRead` flag and `acl`, when given. */
function withAcl<T extends object>(f: Fields, o: Json, what: string, op: T): T {
  const acl = aclOf(f, o, what);
  const flagged = restrictedRead(f, o, what) ? { ...op, restrictedRead: true } : op;
  return acl === undefined ? flagged : { ...flagged, acl };
}

/**
 * `inMulti`: the op is a sub-op of a multi. ZooKeeper's MultiOperationRecord.deserialize knows no multi
 * among its op types, so a multi inside a multi is refused here; that also bounds the nesting (and every
 * recursion over ops downstream) at one level, whatever the input.
 */
function parseZkOp(f: Fields, value: unknown, what: string, inMulti = false): ZkOp {
  const o = f.object(value, what);
  const type: ZkOpType = f.oneOf(o['type'], ZK_OP_TYPES, `${what}.type`);
  if (inMulti && type === 'multi') f.fail(`${what}.type to be a sub-op of a multi (a multi cannot hold a multi)`);
  const version = (): number => (o['version'] === undefined ? -1 : f.integer(o['version'], `${what}.version`));
  switch (type) {
    case 'create': {
      const mode: ZkCreateMode = o['mode'] === undefined ? 'persistent' : f.oneOf(o['mode'], ZK_CREATE_MODES, `${what}.mode`);
      const create = { type, path: f.path(o['path'], `${what}.path`), data: o['data'] === undefined ? '' : f.string(o['data'], `${what}.data`), mode };
      return withAcl(f, o, what, create);
    }
    case 'setData':
      return { type, path: f.path(o['path'], `${what}.path`), data: o['data'] === undefined ? '' : f.string(o['data'], `${what}.data`), version: version() };
    case 'setACL': {
      const setAcl = { type, path: f.path(o['path'], `${what}.path`), version: version() };
      return withAcl(f, o, what, setAcl);
    }
    case 'delete':
    case 'check':
      return { type, path: f.path(o['path'], `${what}.path`), version: version() };
    case 'getData':
    case 'exists':
    case 'getChildren': {
      const path = f.path(o['path'], `${what}.path`);
      if (o['watch'] === undefined) return { type, path };
      if (typeof o['watch'] !== 'boolean') f.fail(`${what}.watch to be a boolean`);
      return { type, path, watch: o['watch'] };
    }
    case 'sync':
    case 'kvGet':
      return { type, path: f.path(o['path'], `${what}.path`) };
    case 'kvSet':
      return { type, path: f.path(o['path'], `${what}.path`), data: o['data'] === undefined ? '' : f.string(o['data'], `${what}.data`) };
    case 'kvCas':
      return { type, path: f.path(o['path'], `${what}.path`), data: o['data'] === undefined ? '' : f.string(o['data'], `${what}.data`), version: version() };
    case 'closeSession':
      return { type };
    case 'addWatch':
      return { type, path: f.path(o['path'], `${what}.path`), mode: f.oneOf(o['mode'], ZK_ADD_WATCH_MODES, `${what}.mode`) };
    case 'removeWatches': {
      const flag = (name: string): boolean => {
        if (typeof o[name] !== 'boolean') f.fail(`${what}.${name} to be a boolean`);
        return o[name] as boolean;
      };
      return {
        type,
        path: f.path(o['path'], `${what}.path`),
        watcherType: f.oneOf(o['watcherType'], ZK_WATCHER_TYPES, `${what}.watcherType`),
        local: flag('local'),
        all: flag('all'),
      };
    }
    case 'multi': {
      const ops = o['ops'];
      if (!Array.isArray(ops)) f.fail(`${what}.ops to be an array of ops`);
      return { type, ops: ops.map((sub, i) => parseZkOp(f, sub, `${what}.ops[${i}]`, true)) };
    }
  }
}

/** `inMulti`: a multi's sub-result, which has no sub-results of its own (a multi holds no multi). */
function parseZkResult(f: Fields, value: unknown, what: string, inMulti = false): ZkResult {
  const o = f.object(value, what);
  const rc: ZkReturnCode = f.oneOf(o['rc'], ZK_RETURN_CODES, `${what}.rc`);
  const result: { -readonly [K in keyof ZkResult]: ZkResult[K] } = { rc };
  if (o['path'] !== undefined) result.path = f.path(o['path'], `${what}.path`);
  if (o['data'] !== undefined) result.data = f.string(o['data'], `${what}.data`);
  if (o['version'] !== undefined) result.version = f.integer(o['version'], `${what}.version`);
  if (o['exists'] !== undefined) {
    if (typeof o['exists'] !== 'boolean') f.fail(`${what}.exists to be a boolean`);
    result.exists = o['exists'];
  }
  if (o['children'] !== undefined) {
    const children = o['children'];
    if (!Array.isArray(children)) f.fail(`${what}.children to be an array of strings`);
    result.children = children.map((c, i) => f.string(c, `${what}.children[${i}]`));
  }
  if (o['mzxid'] !== undefined) result.mzxid = f.integer(o['mzxid'], `${what}.mzxid`);
  if (o['number'] !== undefined) result.number = f.integer(o['number'], `${what}.number`);
  if (o['ephemeralOwner'] !== undefined) result.ephemeralOwner = f.integer(o['ephemeralOwner'], `${what}.ephemeralOwner`);
  if (o['stat'] !== undefined) {
    const stat = f.object(o['stat'], `${what}.stat`);
    const fields: Record<string, number> = {};
    for (const k of ZK_CREATE_STAT_FIELDS) fields[k] = f.integer(stat[k], `${what}.stat.${k}`);
    result.stat = fields as ZkCreateStat;
  }
  if (o['results'] !== undefined) {
    if (inMulti) f.fail(`${what} to have no "results" (a multi's sub-result has none; a multi cannot hold a multi)`);
    const results = o['results'];
    if (!Array.isArray(results)) f.fail(`${what}.results to be an array of results`);
    result.results = results.map((r, i) => parseZkResult(f, r, `${what}.results[${i}]`, true));
  }
  return result;
}

function parseJsonLine(f: Fields, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    f.fail('one JSON object per line (this line is not valid JSON)');
  }
  return f.object(value, 'the line');
}

export function parseNdjsonHistory(text: string, file: string): ZkHistory {
  const lines = text.split('\n');
  let header: ZkHistoryHeader | null = null;
  const ops: ZkHistoryOp[] = [];
  const events: ZkHistoryEvent[] = [];
  const unjudged: ZkHistoryUnjudged[] = [];
  const auths: ZkHistoryAuth[] = [];
  const ids = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const f = new Fields(file, i + 1);
    const o = parseJsonLine(f, raw);
    if (header === null) {
      if (o['kind'] !== 'header') f.fail('a first line {"kind":"header","version":1,...}');
      if (o['version'] !== 1) f.fail('"version":1 in the header');
      header = o as ZkHistoryHeader;
      continue;
    }
    if (o['kind'] === 'watch' || o['kind'] === 'session') {
      events.push(parseEvent(f, o));
      continue;
    }
    if (o['kind'] === 'unjudged') {
      unjudged.push(parseUnjudged(f, o));
      continue;
    }
    if (o['kind'] === 'auth') {
      auths.push({
        kind: 'auth',
        client: f.integer(o['client'], '"client"'),
        session: o['session'] === undefined ? null : f.integerOrNull(o['session'], '"session"'),
        scheme: f.string(o['scheme'], '"scheme"'),
        auth: f.string(o['auth'], '"auth"'),
        invokeUs: f.integer(o['invokeUs'], '"invokeUs"'),
      });
      continue;
    }
    if (o['kind'] !== 'op') f.fail('"kind":"op", "watch", "session", "unjudged" or "auth" (only the first line is a header)');
    const id = f.integer(o['id'], '"id"');
    if (ids.has(id)) f.fail(`a unique "id" (${id} appeared before)`);
    ids.add(id);
    const outcome: ZkOutcome = f.oneOf(o['outcome'], ['ok', 'fail', 'info'] as const, '"outcome"');
    const invokeUs = f.integer(o['invokeUs'], '"invokeUs"');
    const completeUs = f.integerOrNull(o['completeUs'], '"completeUs"');
    if (completeUs !== null && completeUs < invokeUs) f.fail('"completeUs" to be at or after "invokeUs"');
    if (outcome === 'ok' && completeUs === null) f.fail('a "completeUs" time for an "ok" outcome');
    const result = o['result'] === null || o['result'] === undefined ? null : parseZkResult(f, o['result'], '"result"');
    if (outcome === 'ok' && result === null) f.fail('a "result" object for an "ok" outcome');
    const session = o['session'] === undefined ? null : f.integerOrNull(o['session'], '"session"');
    const server = o['server'] === undefined ? null : f.integerOrNull(o['server'], '"server"');
    const zxid = o['zxid'] === undefined ? null : f.integerOrNull(o['zxid'], '"zxid"');
    const record: { -readonly [K in keyof ZkHistoryOp]: ZkHistoryOp[K] } = {
      kind: 'op',
      id,
      client: f.integer(o['client'], '"client"'),
      session,
      server,
      op: parseZkOp(f, o['op'], '"op"'),
      invokeUs,
      completeUs,
      outcome,
      result,
      zxid,
    };
    if (o['readZxid'] !== undefined) record.readZxid = f.integerOrNull(o['readZxid'], '"readZxid"');
    if (o['completeSeq'] !== undefined) record.completeSeq = f.integer(o['completeSeq'], '"completeSeq"');
    ops.push(record);
  }
  if (header === null) throw new HistoryFormatError(file, 1, 'a header line {"kind":"header","version":1,...} (the file is empty)');
  const history: ZkHistory = events.length === 0 ? { header, ops } : { header, ops, events };
  const withUnjudged = unjudged.length === 0 ? history : { ...history, unjudged };
  return auths.length === 0 ? withUnjudged : { ...withUnjudged, auths };
}

/** An unjudged read's line (types.ts ZkHistoryUnjudged). */
function parseUnjudged(f: Fields, o: Json): ZkHistoryUnjudged {
  const opJson = f.object(o['op'], '"op"');
  const type = f.oneOf(opJson['type'], ZK_UNJUDGED_READS, '"op".type');
  let op: ZkUnjudgedRead;
  if (type === 'multiRead') {
    const subs = opJson['ops'];
    if (!Array.isArray(subs)) f.fail('"op".ops to be an array of getData / getChildren ops');
    op = {
      type,
      ops: subs.map((sub, i) => {
        const so = f.object(sub, `"op".ops[${i}]`);
        return { type: f.oneOf(so['type'], ['getData', 'getChildren'] as const, `"op".ops[${i}].type`), path: f.path(so['path'], `"op".ops[${i}].path`) };
      }),
    };
  } else {
    op = { type, path: f.path(opJson['path'], '"op".path') };
  }
  const invokeUs = f.integer(o['invokeUs'], '"invokeUs"');
  const completeUs = f.integer(o['completeUs'], '"completeUs"');
  if (completeUs < invokeUs) f.fail('"completeUs" to be at or after "invokeUs"');
  return {
    kind: 'unjudged',
    client: f.integer(o['client'], '"client"'),
    session: o['session'] === undefined ? null : f.integerOrNull(o['session'], '"session"'),
    server: o['server'] === undefined ? null : f.integerOrNull(o['server'], '"server"'),
    op,
    invokeUs,
    completeUs,
    result: parseZkResult(f, o['result'], '"result"'),
    readZxid: o['readZxid'] === undefined ? null : f.integerOrNull(o['readZxid'], '"readZxid"'),
  };
}

function parseEvent(f: Fields, o: Json): ZkHistoryEvent {
  const atUs = f.integer(o['atUs'], '"atUs"');
  const seq = o['seq'] === undefined ? undefined : f.integer(o['seq'], '"seq"');
  const server = o['server'] === undefined ? null : f.integerOrNull(o['server'], '"server"');
  const session = f.integer(o['session'], '"session"');
  if (o['kind'] === 'watch') {
    const event = {
      kind: 'watch' as const,
      client: f.integer(o['client'], '"client"'),
      session,
      server,
      type: f.oneOf(o['type'], ZK_WATCH_TYPES, '"type"'),
      path: f.path(o['path'], '"path"'),
      zxid: f.integer(o['zxid'], '"zxid"'),
      atUs,
    };
    return seq === undefined ? event : { ...event, seq };
  }
  const client = o['client'] === undefined ? null : f.integerOrNull(o['client'], '"client"');
  const state = f.oneOf(o['state'], ZK_SESSION_STATES, '"state"');
  const zxid = o['zxid'] === undefined ? undefined : f.integer(o['zxid'], '"zxid"');
  if (state === 'ENDED' && zxid === undefined) f.fail('a "zxid" (the closeSession txn) on an "ENDED" session line');
  return { kind: 'session', client, session, server, state, atUs, ...(seq === undefined ? {} : { seq }), ...(zxid === undefined ? {} : { zxid }) };
}

export function formatNdjsonHistory(history: ZkHistory): string {
  const lines = [JSON.stringify(history.header)];
  for (const op of history.ops) lines.push(JSON.stringify(op));
  for (const event of history.events ?? []) lines.push(JSON.stringify(event));
  for (const read of history.unjudged ?? []) lines.push(JSON.stringify(read));
  for (const auth of history.auths ?? []) lines.push(JSON.stringify(auth));
  return lines.join('\n') + '\n';
}
