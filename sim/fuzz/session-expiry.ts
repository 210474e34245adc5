// Liveness of session expiry: a session whose client died for good must be expired once the ensemble
// has recovered. The leader's SessionTrackerImpl gives every session a fresh deadline when it starts
// leading (LeaderZooKeeperServer: the tracker is built over every session of the tree), moves a
// session's deadline only when a request or a learner's PING touches it (touchSession), and its run
// loop expires whatever is due and submits a closeSession for it (SessionTrackerImpl.run →
// ZooKeeperServer.expire). A killed client sends nothing, so once a leader has been in broadcast for
// longer than the session's timeout (plus the rounding to tick buckets and the touches already on
// their way), that session's closeSession has been committed and the leader's tree no longer holds it.
//
// The judgment waits generously: from the latest of the liveness phase's start, the last activation
// of a core server and the kill, three times the timeout plus two ticks (a timer armed under a clock
// skew of up to 3 before the heal may fire that late), plus two seconds for the commit. A run whose
// liveness phase ends before that is not judged on it. Nothing here knows about mutants.
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { mapGet, type DataTree } from '../../protocol/tree/index.js';

const MS = 1000;
const COMMIT_SLACK_US = 2_000 * MS;
const SKEW_MAX = 3;

export interface ExpiryJudgeInput {
  readonly nowUs: number;
  readonly livenessStartUs: number;
  readonly lastActivationUs: number | null;
  readonly tickTimeMs: number;
  /** The core's leader in broadcast (the recovery judge has found one). */
  readonly leader: ZabServer;
}

export class SessionExpiryWatch {
  /** Sessions each client node was told it holds (a ConnectResponse it accepted). */
  private readonly sessions = new Map<NodeId, Set<number>>();
  private readonly killedAtUs = new Map<NodeId, number>();

  /** A client's session observation (protocol/client/zk-client.ts observeSession). */
  session(client: NodeId, session: number, state: string): void {
    if (state !== 'CONNECTED' || session === 0) return;
    let set = this.sessions.get(client);
    if (set === undefined) this.sessions.set(client, (set = new Set()));
    set.add(session);
  }

  /** A client node killed for good (the kill-client fault). */
  killed(client: NodeId, nowUs: number): void {
    if (!this.killedAtUs.has(client)) this.killedAtUs.set(client, nowUs);
  }

  /** The reason the run fails this liveness judgment, or null (also when it had too little time to judge). */
  judge(input: ExpiryJudgeInput): string | null {
    const tree = input.leader.state as DataTree;
    for (const [client, killedUs] of this.killedAtUs) {
      for (const session of this.sessions.get(client) ?? []) {
        const timeoutMs = mapGet(tree.sessions, String(session));
        if (timeoutMs === undefined) continue;
        const fromUs = Math.max(input.livenessStartUs, input.lastActivationUs ?? 0, killedUs);
        const waitUs = SKEW_MAX * (timeoutMs + 2 * input.tickTimeMs) * MS + COMMIT_SLACK_US;
        if (input.nowUs < fromUs + waitUs) continue;
        return (
          `session-not-expired: session 0x${session.toString(16)} of client ${client}, killed at ${Math.round(killedUs / MS)} ms, ` +
          `is still open on leader ${input.leader.id} ${Math.round((input.nowUs - fromUs) / MS)} ms after the ensemble recovered (timeout ${timeoutMs} ms)`
        );
      }
    }
    return null;
  }
}
