// The composition root of one ZooKeeper server: Zab (protocol/zab) replicating the DataTree state
// machine (protocol/service/zk-sm.ts) for the ZooKeeper service (sessions, watches, ACL, the request
// pipeline: protocol/service/app.ts). The simulator builds its servers here.
import type { ZabConfig } from '../zab/config.js';
import { zabServerProgram } from '../zab/server.js';
import { zkServiceApp } from '../service/app.js';
import { zkStateMachine } from '../service/zk-sm.js';
import { describeNodeMessage, type ServerProgram } from './describe.js';

/** A ZooKeeper server: Zab + the DataTree + the ZooKeeper service. */
export function zookeeperServerProgram(config: ZabConfig): ServerProgram {
  return zabServerProgram(
    config,
    zkStateMachine(config.extendedTypesEnabled === true ? { extendedTypesEnabled: true } : {}),
    zkServiceApp,
    describeNodeMessage,
  );
}
