// expect leader 2
// expect value x 1 on=1,3
// expect session c1 EXPIRED
//
// One fact about the run now (a leader, a role, a value, a znode, a session, a recipe's holders);
// a false fact fails the scenario.
import type { NodeId } from '../../../protocol/program.js';
import { mapGet } from '../../../protocol/tree/hamt.js';
import { getNode, type DataTree } from '../../../protocol/tree/index.js';
import type { KvState } from '../../../protocol/kv/state-machine.js';
import { intArg } from '../args.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

/**
 * `expect FACT ...`: asserts one fact about the run now; a false fact fails the scenario.
 *   expect leader N                       N is the active leader
 *   expect role N LEADING|FOLLOWING|OBSERVING|LOOKING|down
 *   expect sync N DIFF|TRUNC|SNAP         the last sync learner N was sent used that mode
 *   expect value KEY VALUE|none [on=all|1,2]   (kv) every named running server has applied KEY=VALUE
 *   expect znode PATH exists|absent [on=all|1,2]   (zk) on every named running server
 *   expect data PATH DATA|none [on=all|1,2]   (zk) the znode holds DATA on every named server
 *   expect reply C server=N               client C's last reply came from server N
 *   expect session C STATE                CONNECTED, EXPIRED, CLOSED, CONNECTING
 *   expect holders RECIPE max=N           at most / exactly N clients held the lock (or led) at once
 *   expect watched C N                    client C received N watch events so far
 *   expect members C m5,m6                the last membership client C saw
 *   expect committed N count=K            server N has K committed txns
 */
export function expect(env: ScriptEnv, cmd: Command): string[] {
  env.expectations++;
  const [fact, a, b] = cmd.words;
  const check = (ok: boolean, text: string, got: string): string[] => {
    if (ok) return [`ok: ${text}`];
    env.errors.push(`expected ${text}, but ${got}`);
    return [`EXPECTATION FAILED: expected ${text}, but ${got}`];
  };
  const on = (): NodeId[] => {
    const list = cmd.args.get('on') ?? 'all';
    const ids = list === 'all' ? env.servers : list.split(',').map((x) => env.serverArg(x));
    return ids.filter((id) => env.k.isUp(id));
  };
  switch (fact) {
    case 'leader': {
      const want = env.serverArg(a);
      const got = env.activeLeader();
      return check(got === want, `server ${want} is the active leader`, got === null ? 'there is none' : `it is ${got}`);
    }
    case 'role': {
      const id = env.serverArg(a);
      const got = env.k.isUp(id) ? (env.server(id)?.role ?? 'down') : 'down';
      return check(got === b, `server ${id} is ${b ?? '?'}`, `it is ${got}`);
    }
    case 'sync': {
      const id = env.serverArg(a);
      const got = env.syncModeNames.get(id) ?? 'none';
      return check(got === b, `server ${id} took ${b ?? '?'}`, `its last sync was ${got}`);
    }
    case 'value': {
      const key = a;
      const value = b;
      if (key === undefined || value === undefined) throw new Error('expected: expect value KEY VALUE|none [on=all|1,2]');
      if (env.zk) throw new Error("'expect value' is for the key-value service; use 'expect data PATH=D' in a service=zk cluster");
      const wrong = on().filter((id) => String(mapGet(env.server(id)?.state as KvState, key)?.value ?? 'none') !== value);
      return check(
        wrong.length === 0,
        value === 'none' ? `no ${key} on ${describeOn(cmd)}` : `${key}=${value} on ${describeOn(cmd)}`,
        `not on ${wrong.join(', ')}`,
      );
    }
    case 'znode': {
      env.needZk('expect znode');
      if (a === undefined || (b !== 'exists' && b !== 'absent')) throw new Error('expected: expect znode PATH exists|absent [on=all|1,2]');
      const wrong = on().filter((id) => (getNode(env.server(id)?.state as DataTree, a) !== undefined) !== (b === 'exists'));
      return check(wrong.length === 0, `${a} ${b === 'exists' ? 'exists' : 'is absent'} on ${describeOn(cmd)}`, `not on ${wrong.join(', ')}`);
    }
    case 'data': {
      env.needZk('expect data');
      if (a === undefined || b === undefined) throw new Error('expected: expect data PATH DATA|none [on=all|1,2]');
      const path = a;
      const data = b;
      const wrong = on().filter((id) => String(getNode(env.server(id)?.state as DataTree, path)?.data ?? 'none') !== data);
      return check(wrong.length === 0, `${path} holds ${data} on ${describeOn(cmd)}`, `not on ${wrong.join(', ')}`);
    }
    case 'reply': {
      if (a === undefined) throw new Error('expected: expect reply CLIENT server=N');
      const want = env.serverArg(cmd.args.get('server'));
      const got = env.lastReplyFrom.get(a);
      return check(got === want, `${a}'s reply came from server ${want}`, got === undefined ? 'it has no reply' : `it came from ${got}`);
    }
    case 'session': {
      const id = env.zkClient(a, 'expect session');
      const got = env.sessions.get(id)?.state ?? 'unknown';
      return check(got === b, `${a}'s session is ${b ?? '?'}`, `it is ${got}`);
    }
    case 'holders': {
      if (a === undefined) throw new Error('expected: expect holders lock|election max=N');
      const want = intArg(cmd, 'max', 1);
      const got = maxHolders(env.claims.filter((c) => c.recipe === a));
      return check(got === want, `at most ${want} ${a} holder${want === 1 ? '' : 's'} at once, and ${want} reached`, `the most at once was ${got}`);
    }
    case 'watched': {
      const id = env.zkClient(a, 'expect watched');
      const want = Number(b);
      const got = env.watchEvents.get(id) ?? [];
      return check(
        got.length === want,
        `${a} received ${want} watch event${want === 1 ? '' : 's'}`,
        `it received ${got.length}${got.length > 0 ? ` (${got.join('; ')})` : ''}`,
      );
    }
    case 'members': {
      const id = env.zkClient(a, 'expect members');
      const last = [...env.claims].reverse().find((c) => c.node === id && c.event === 'members');
      const got = last === undefined ? 'none' : (last.detail as string[]).join(',');
      const want = b ?? '';
      return check(got === want, `${a} last saw members ${want === '' ? '(none)' : want}`, `it saw ${got === '' ? '(none)' : got}`);
    }
    case 'committed': {
      const id = env.serverArg(a);
      const want = intArg(cmd, 'count', 0);
      const got = env.server(id)?.committed ?? -1;
      return check(got === want, `server ${id} has ${want} committed txns`, `it has ${got}`);
    }
    default:
      throw new Error(`unknown fact '${fact ?? ''}': expected leader, role, sync, value, znode, data, reply, session, holders, watched, members or committed`);
  }
}

function describeOn(cmd: Command): string {
  const on = cmd.args.get('on') ?? 'all';
  return on === 'all' ? 'every running server' : `servers ${on.split(',').join(', ')}`;
}

/** The most clients that held (or led) at once, from the recipe claims in order. */
function maxHolders(claims: readonly { node: NodeId; event: string }[]): number {
  const holders = new Set<NodeId>();
  let most = 0;
  for (const c of claims) {
    if (c.event === 'acquired' || c.event === 'leader') holders.add(c.node);
    else if (c.event === 'released' || c.event === 'lost') holders.delete(c.node);
    most = Math.max(most, holders.size);
  }
  return most;
}
