// The composition root of a Zab server replicating the kv register store (protocol/kv): Zab's own
// runs, benchmarks and reducer tests use it; it has no sessions or watches.
import type { ZabConfig } from '../zab/config.js';
import { zabServerProgram } from '../zab/server.js';
import { kvClientsApp } from '../kv/clients.js';
import { kvStateMachine } from '../kv/state-machine.js';
import { describeNodeMessage, type ServerProgram } from './describe.js';

/** A kv server: Zab + the kv state machine + the kv client front-end. */
export function kvServerProgram(config: ZabConfig): ServerProgram {
  return zabServerProgram(config, kvStateMachine, kvClientsApp, describeNodeMessage);
}
