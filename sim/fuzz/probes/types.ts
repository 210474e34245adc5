// The shape of a coverage probe: a named protocol situation and a small detector that watches what a
// run already emits (observations, deliveries, sends, crashes, note facts, the faults the fuzzer
// applies). Detectors never change the run: they read the kernel's hooks and, at most, one server's
// state by id (O(1)), never a scan over every server or the whole history per event.
import type { NodeId } from '../../../protocol/program.js';
import type { ZabObservation } from '../../../protocol/zab/effects.js';
import type { ZabMessage } from '../../../protocol/zab/messages.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { FaultEvent } from '../../zab/faults.js';

/**
 * Which runs can reach a probe: `zab` ones fire under the fuzzer's kv workload within a few hundred
 * standard seeds (npm test requires each of them); `aimed` ones are Zab situations that uniform
 * sweep reaches rarely or never (a crash inside a short window, a zxid counter near its end, a
 * learner ahead by a whole epoch): they need a long sweep, a guided one, a plan aimed at them or a
 * catalogue scenario; `service` ones need ZooKeeper clients (sessions, watches, ACLs, multi), i.e.
 * a ServiceHarness run or a service workload in the swarm.
 */
export type ProbeLevel = 'zab' | 'aimed' | 'service';

/** What every detector may read: the cluster's shape and a few facts the watch keeps for all. */
export interface ProbeContext {
  readonly kernel: Kernel;
  /** Voter ids are 1..voters; observers follow them. */
  readonly voters: number;
  readonly observers: number;
  readonly quorum: number;
  isObserver(id: NodeId): boolean;
  /** The leader that last activated (a quorum acked its NEWLEADER), while it leads; else null. */
  readonly activeLeader: NodeId | null;
  /** The highest epoch any leader established so far (0 before the first). */
  readonly establishedEpoch: number;
  /** Servers whose last role observation was LEADING (an old leader may still think it leads). */
  readonly leading: ReadonlySet<NodeId>;
  /** The last role a server observed (LOOKING before any). */
  roleOf(id: NodeId): string;
  phaseOf(id: NodeId): string;
  /** The operation a client invoked as `xid`, until its completion has been seen (service probes). */
  opOf(client: NodeId, xid: number): unknown;
  /** Marks a probe as reached in this run. */
  hit(name: string): void;
}

/** The hooks a detector may use; each is called after the watch updated the context. */
export interface ProbeHooks {
  /** Observations by kind: only the detectors of an observation's kind are called. */
  readonly observe?: { readonly [K in ZabObservation['kind']]?: (node: NodeId, o: Extract<ZabObservation, { kind: K }>) => void };
  /** Note facts by kind (facts are never traced; protocol/zab/effects.ts lists them). */
  readonly noted?: { readonly [K in ZabObservation['kind']]?: (node: NodeId, fact: Extract<ZabObservation, { kind: K }>) => void };
  /** Deliveries by message type. */
  readonly delivered?: Readonly<Record<string, (from: NodeId, to: NodeId, msg: ZabMessage) => void>>;
  /** Sends by message type (before loss or partition is decided). */
  readonly sent?: Readonly<Record<string, (from: NodeId, to: NodeId, msg: ZabMessage) => void>>;
  /** Called before the context forgets the node's role. */
  readonly crashed?: (node: NodeId) => void;
  readonly restarted?: (node: NodeId) => void;
  /** A fuzz fault just applied, with the servers it resolved to. */
  readonly fault?: (f: FaultEvent, who: readonly NodeId[]) => void;
  /** The detector calls ProbeContext.opOf: the watch keeps invoked operations only while such a detector is unreached. */
  readonly readsOps?: true;
}

export interface ProbeDef {
  /** Kebab-case, stable: it names the probe in --json, JUnit and reports. */
  readonly name: string;
  readonly level: ProbeLevel;
  /** One line: the situation, in ZooKeeper's terms. */
  readonly what: string;
  /** Builds the detector for one run (its own state lives in the closure). */
  readonly detector: (ctx: ProbeContext) => ProbeHooks;
}
