// One line for any message a server sends or receives: Zab's own, or the ZooKeeper service's.
// Traces, timelines and scenario renderers use it; both composition roots give it to their program.
import type { NodeProgram } from '../program.js';
import type { ZabDisk, ZabWrite } from '../zab/disk.js';
import type { ZabObservation } from '../zab/effects.js';
import { describeMessage, type ZabCoreMessage, type ZabMessage } from '../zab/messages.js';
import type { ZabServer } from '../zab/state.js';
import { describeZkPacket } from '../service/messages.js';

export type ServerProgram = NodeProgram<ZabServer, ZabMessage, ZabWrite, ZabDisk, ZabObservation>;

export function describeNodeMessage(msg: ZabMessage): string {
  return describeZkPacket(msg) ?? describeMessage(msg as ZabCoreMessage);
}
