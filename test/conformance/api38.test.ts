// Proves, live, that zabsim answers ZooKeeper 3.6's reads as the real 3.8.0 ensemble does:
// getAllChildrenNumber (every node but the root for "/"), getEphemerals with a string prefix and in
// HashSet order, and whoAmI's ClientInfo list in the order of the server's auth id set. The real side
// is driven through ZooKeeper's own Java CLI (ZooKeeperMain), since node-zookeeper-client 1.1.3 has
// none of these calls; one CLI process is one session. create2 and multiRead, which the CLI lacks, go
// through ZooKeeper's Java client in a small probe (Api38Probe.java, compiled here with javac).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { clientInfos } from '../../protocol/service/serve-query.js';
import { digestAuthIds, OPEN_ACL_UNSAFE, type CreateMode, type Stat } from '../../protocol/tree/index.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { classpath } from './ensemble.js';
import { useLiveEnsemble } from './live-ensemble.js';

const ens = useLiveEnsemble();

/** Persistent nodes, then this session's ephemerals (enough of them that the HashSet resizes). */
const PERSISTENT = ['/api', '/api/x', '/api/x/y', '/api/x/y/z', '/api/e'];
const EPHEMERAL = Array.from({ length: 14 }, (_, i) => (i % 3 === 0 ? `/api/x/e${i}` : i % 3 === 1 ? `/api/eph${i}` : `/api/e/n${i}`));
const COUNTED = ['/api', '/api/x', '/api/x/y/z', '/', '/zookeeper'];
const PREFIXES = ['/', '/api/e', '/api/x', '/api/x/e1', '/nothing'];

interface Answers {
  readonly counts: readonly number[];
  readonly ephemerals: readonly (readonly string[])[];
  readonly whoAmI: readonly (readonly string[])[];
}

/** The same script on the real ensemble, through ZooKeeperMain reading commands from stdin. */
function realAnswers(port: number): Answers {
  const script = [
    ...PERSISTENT.map((p) => `create ${p}`),
    ...EPHEMERAL.map((p) => `create -e ${p}`),
    ...COUNTED.map((p) => `getAllChildrenNumber ${p}`),
    ...PREFIXES.map((p) => `getEphemerals ${p}`),
    'whoami',
    'addauth digest alice:secret',
    'whoami',
    'quit',
  ];
  const r = spawnSync('java', ['-cp', classpath(), 'org.apache.zookeeper.ZooKeeperMain', '-server', `127.0.0.1:${port}`], {
    input: script.join('\n') + '\n',
    encoding: 'utf8',
    timeout: 90_000,
  });
  const lines = r.stdout.split('\n').map((l) => l.trim());
  const counts = lines.filter((l) => /^\d+$/.test(l)).map(Number);
  const ephemerals = lines.filter((l) => l.startsWith('[')).map((l) => (l === '[]' ? [] : l.slice(1, -1).split(', ')));
  // whoami prints "Auth scheme: User" then one "scheme: user" line per id.
  const whoAmI: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== 'Auth scheme: User') continue;
    const ids: string[] = [];
    for (let k = i + 1; k < lines.length && /^[a-z]+: ?/.test(lines[k] as string) && !(lines[k] as string).startsWith('WATCHER'); k++)
      ids.push(lines[k] as string);
    whoAmI.push(ids);
  }
  return { counts, ephemerals, whoAmI };
}

/** The same script on a simulated 3-server ensemble. */
function simAnswers(): Answers {
  const h = new ServiceHarness(serviceOptions('api38-conformance', { clients: 1 }));
  expect(h.settle()).toBe(true);
  const a = h.clients[0] as NodeId;
  const call = (cmd: ZkCommand): ZkCompletion => {
    const done = h.callAndWait(a, cmd, 60_000);
    if (done === undefined) throw new Error(`no completion for ${cmd.type}`);
    return done.result as ZkCompletion;
  };
  for (const p of PERSISTENT) expect(call({ type: 'create', path: p, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' }).err).toBe('OK');
  for (const p of EPHEMERAL) expect(call({ type: 'create', path: p, data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL' }).err).toBe('OK');
  const counts = COUNTED.map((path) => {
    const r = call({ type: 'getAllChildrenNumber', path });
    return r.response?.type === 'getAllChildrenNumber' ? r.response.totalNumber : -1;
  });
  const ephemerals = PREFIXES.map((path) => {
    const r = call({ type: 'getEphemerals', path });
    return r.response?.type === 'getEphemerals' ? r.response.ephemerals : ['<failed>'];
  });
  return { counts, ephemerals, whoAmI: [] };
}

describe('3.6 reads against the live ensemble (ZooKeeperMain)', () => {
  it('getAllChildrenNumber and getEphemerals agree; whoAmI lists the ids in the order zabsim computes', () => {
    const real = realAnswers(ens().servers[0]!.clientPort);
    const sim = simAnswers();
    // Every node created, plus /zookeeper, /zookeeper/quota and /zookeeper/config, under each path.
    const all = [...PERSISTENT, ...EPHEMERAL, '/zookeeper', '/zookeeper/quota', '/zookeeper/config'];
    expect(real.counts).toEqual(COUNTED.map((p) => all.filter((q) => q.startsWith(p === '/' ? '/' : `${p}/`)).length));
    expect(sim.counts).toEqual(real.counts);
    expect(real.ephemerals).toHaveLength(PREFIXES.length);
    expect([...(real.ephemerals[0] ?? [])].sort()).toEqual([...EPHEMERAL].sort());
    // Hash order, not creation order nor sorted order: the comparison below checks the order too.
    expect(real.ephemerals[0]).not.toEqual([...EPHEMERAL].sort());
    expect(real.ephemerals[0]).not.toEqual(EPHEMERAL);
    expect(sim.ephemerals).toEqual(real.ephemerals);
    // The CLI connects from 127.0.0.1; zabsim's clients each have their own loopback address, so the
    // order is compared through zabsim's ordering function applied to the real connection's ids.
    const ip = { scheme: 'ip', id: '127.0.0.1' };
    const show = (ids: { scheme: string; id: string }[]): string[] => clientInfos(ids).map((c) => `${c.authScheme}: ${c.user}`);
    expect(real.whoAmI).toEqual([show([ip]), show([ip, ...digestAuthIds('alice:secret')])]);
  }, 120_000);
});

/** The probe's lines from the real ensemble. */
function probeReal(port: number, root: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-probe-'));
  try {
    const javac = spawnSync('javac', ['-cp', classpath(), '-d', dir, join(__dirname, 'Api38Probe.java')], { encoding: 'utf8', timeout: 120_000 });
    if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}`);
    const run = spawnSync('java', ['-cp', `${classpath()}:${dir}`, 'Api38Probe', `127.0.0.1:${port}`, root], { encoding: 'utf8', timeout: 90_000 });
    if (run.status !== 0) throw new Error(`probe failed: ${run.stderr}`);
    return run.stdout.split('\n').filter((l) => l !== '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same calls through zabsim's client, printed as the probe prints them. */
function probeSim(root: string): string[] {
  const h = new ServiceHarness(serviceOptions('api38-probe', { clients: 1 }));
  expect(h.settle()).toBe(true);
  const a = h.clients[0] as NodeId;
  const call = (cmd: ZkCommand): ZkCompletion & { outcome: string } => {
    const done = h.callAndWait(a, cmd, 60_000);
    if (done === undefined) throw new Error(`no completion for ${cmd.type}`);
    return { ...(done.result as ZkCompletion), outcome: done.outcome };
  };
  let base = 0;
  const stat = (st: Stat | undefined): string =>
    st === undefined
      ? 'null'
      : `czxid=${st.czxid - base} mzxid=${st.mzxid - base} pzxid=${st.pzxid - base} version=${st.version} cversion=${st.cversion} ` +
        `aversion=${st.aversion} ephemeral=${st.ephemeralOwner !== 0} dataLength=${st.dataLength} numChildren=${st.numChildren}`;
  const lines: string[] = [];
  const create2 = (path: string, data: string, mode: CreateMode): void => {
    const r = call({ type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode, stat: true });
    if (r.err !== 'OK' || r.response?.type !== 'create') {
      lines.push(`create2 error ${r.err}`);
      return;
    }
    if (path === root) base = r.response.stat?.czxid ?? 0;
    lines.push(`create2 ${r.response.path} ${stat(r.response.stat)}`);
  };
  create2(root, 'root', 'PERSISTENT');
  create2(`${root}/s-`, 'abc', 'PERSISTENT_SEQUENTIAL');
  create2(`${root}/e`, '', 'EPHEMERAL');
  create2(`${root}/e`, '', 'PERSISTENT');
  const ttl = call({ type: 'create', path: `${root}/t`, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_WITH_TTL', ttl: 5000 });
  lines.push(ttl.err === 'OK' ? 'createTTL ok' : `createTTL error ${ttl.err}`);
  create2(`${root}/after`, '', 'PERSISTENT');
  const reads = call({
    type: 'multi',
    ops: [
      { type: 'getData', path: root },
      { type: 'getChildren', path: `${root}/e` },
      { type: 'getData', path: `${root}/missing` },
      { type: 'getData', path: `${root}/e` },
    ],
  });
  for (const r of reads.response?.type === 'multiRead' ? reads.response.results : []) {
    if (r.type === 'getData') lines.push(`multiRead getData ${r.data ?? ''} ${stat(r.stat)}`);
    else if (r.type === 'getChildren') lines.push(`multiRead getChildren [${r.children.join(', ')}]`);
    else lines.push(`multiRead error ${r.err}`);
  }
  const mixed = call({
    type: 'multi',
    ops: [
      { type: 'create', path: `${root}/m`, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
      { type: 'getData', path: root },
    ],
  });
  lines.push(mixed.err === 'BADARGUMENTS' && mixed.outcome === 'fail' ? 'mixed refused' : 'mixed sent');
  const writes = call({ type: 'multi', ops: [{ type: 'create', path: `${root}/m`, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' }] });
  const created = writes.response?.type === 'multi' ? writes.response.results[0] : undefined;
  lines.push(created?.type === 'create' ? `multi create ${created.path} ${stat(created.stat)}` : `multi ${writes.err}`);
  return lines;
}

describe('create2 and multiRead against the live ensemble (the Java client)', () => {
  it('the same Stat from create2, createTTL UNIMPLEMENTED with a zxid, the same per-op multiRead results, a mix refused in the client, no Stat in a multi create', () => {
    const real = probeReal(ens().servers[1]!.clientPort, '/probe');
    expect(real).toHaveLength(12);
    expect(probeSim('/probe')).toEqual(real);
  }, 180_000);
});
