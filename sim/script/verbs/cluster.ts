// cluster voters=3 observers=1 seed=s1 service=zk mutant=ZK-1154 down=4
//
// Creates the ensemble every later command acts on: the kernel, the Zab servers with their state
// machine (kv or ZooKeeper), the invariant checker, and the renderer's hooks.
import type { NodeId, NodeProgram } from '../../../protocol/program.js';
import { defaultZabConfig, type Mutant, type SyncPersistence, type ZabConfig } from '../../../protocol/zab/config.js';
import type { ZabDisk, ZabWrite } from '../../../protocol/zab/disk.js';
import type { ZabObservation } from '../../../protocol/zab/effects.js';
import type { ZabMessage } from '../../../protocol/zab/messages.js';
import { kvServerProgram } from '../../../protocol/node/kv-node.js';
import { zookeeperServerProgram } from '../../../protocol/node/zookeeper-node.js';
import type { ZabServer } from '../../../protocol/zab/state.js';
import { Kernel } from '../../kernel/kernel.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type KernelOptions } from '../../options.js';
import { TRACE_VERSION } from '../../trace/sink.js';
import { ZabChecker } from '../../zab/checker.js';
import { intArg, listArg, range } from '../args.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';
import { renderDelivery, renderNoteFact, renderObservation, renderRecord } from '../render.js';
import { ScenarioSink } from '../sink.js';
import { filterDrops } from './drop-next.js';

type ServerProgram = NodeProgram<ZabServer, ZabMessage, ZabWrite, ZabDisk, ZabObservation>;

/**
 * `cluster voters=3 [observers=0] seed=S [tickTimeMs=2000] [initLimit=10] [syncLimit=5]
 *  [commitLogCount=500] [snapCount=100000] [txnLogSync=on|off] [counterStart=0] [syncPersistence=...]
 *  [mutant=ZK-1154,...] [down=1,2] [service=kv|zk]`
 * Servers 1..voters vote; the next `observers` ids observe. Servers in `down` are not started
 * (bring them up later with `start`).
 */
/** `txnLogSync=off` is snapshotSizeFactor -1 (ZKDatabase.isTxnLogSyncEnabled false); on is ZooKeeper's 0.33. */
function txnLogSyncArg(cmd: Command): number {
  const v = cmd.args.get('txnLogSync') ?? 'on';
  if (v !== 'on' && v !== 'off') throw new Error(`txnLogSync=${v}: expected on or off`);
  return v === 'on' ? 0.33 : -1;
}

export function cluster(env: ScriptEnv, cmd: Command): string[] {
  if (env.kernel !== null) throw new Error('cluster already created');
  const voters = range(1, intArg(cmd, 'voters', 3));
  const observers = range(voters.length + 1, intArg(cmd, 'observers', 0));
  const seed = cmd.args.get('seed');
  if (seed === undefined) throw new Error('cluster needs seed=');
  const mutants = listArg(cmd, 'mutant') as Mutant[];
  const config: ZabConfig = {
    ...defaultZabConfig(voters, observers),
    tickTimeMs: intArg(cmd, 'tickTimeMs', 2000),
    initLimit: intArg(cmd, 'initLimit', 10),
    syncLimit: intArg(cmd, 'syncLimit', 5),
    commitLogCount: intArg(cmd, 'commitLogCount', 500),
    snapCount: intArg(cmd, 'snapCount', 100_000),
    snapshotSizeFactor: txnLogSyncArg(cmd),
    counterStart: intArg(cmd, 'counterStart', 0),
    syncPersistence: (cmd.args.get('syncPersistence') ?? 'committedOnlyThenEpochThenAck') as SyncPersistence,
    mutants,
  };
  const service = cmd.args.get('service') ?? 'kv';
  if (service !== 'kv' && service !== 'zk')
    throw new Error(`service=${service}: expected kv (a key-value store, write/read) or zk (ZooKeeper: sessions, znodes, recipes)`);
  env.zk = service === 'zk';
  env.seed = seed;
  const kernelOptions: KernelOptions = { seed, timeMaxUs: 0, eventsMax: 0, network: DEFAULT_NETWORK, disk: DEFAULT_DISK };
  env.tee?.line({
    kind: 'header',
    version: TRACE_VERSION,
    seed,
    options: { scenario: 'script', seed, servers: voters.length, observers: observers.length, workload: { clients: 0 }, zab: config, service },
  });
  const kernel = new Kernel(kernelOptions, new ScenarioSink((r) => renderRecord(env, r), env.tee));
  env.kernel = kernel;
  env.config = config;
  env.servers = [...voters, ...observers];
  const base = env.zk ? zookeeperServerProgram(config) : kvServerProgram(config);
  const program: ServerProgram = { ...base, step: (s, e) => filterDrops(env, base.step(s, e)) };
  for (const id of env.servers) kernel.addNode(id, program);
  env.checker = new ZabChecker(
    config,
    (id) => kernel.stateOf(id) as ZabServer | undefined,
    (id) => kernel.diskOf(id) as ZabDisk,
  );
  kernel.addObserver(env.checker);
  kernel.addObserver({
    observe: (node, what) => renderObservation(env, node, what as ZabObservation),
    noted: (node, fact) => renderNoteFact(env, node, fact as ZabObservation),
    delivered: (from, to, msg) => renderDelivery(env, from, to, msg as ZabMessage),
    stepped: () => {
      if (env.until !== null && env.until()) kernel.requestStop('until');
    },
  });
  const down = new Set(listArg(cmd, 'down').map(Number));
  for (const id of env.servers) if (!down.has(id)) kernel.restart(id);
  const roles = env.servers.map((id: NodeId) => `${id}${observers.includes(id) ? ' observer' : ' voter'}${down.has(id) ? ' (not started)' : ''}`);
  return [`servers ${roles.join(', ')}${env.zk ? ' (ZooKeeper service)' : ''}`];
}
