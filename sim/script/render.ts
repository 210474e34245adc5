// What a scenario prints while time moves, built from structured facts only: observations (role
// changes, syncs, client calls, sessions, watches, recipe claims), the facts notes carry (why a
// server left its role, a session the leader expired), deliveries and drops of the message types a
// command asked to see. Note text is kept for `notes N` and never parsed.
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { describeNodeMessage as describeMessage } from '../../protocol/node/describe.js';
import { formatZxid } from '../../protocol/zxid.js';
import { describeOutcome } from './describe.js';
import type { ScriptEnv } from './env.js';
import { describeClaim, describeZkCommand, describeZkCompletion } from './zk-words.js';

/** A trace record: notes are kept per server for `notes N`; drops of shown types are printed. */
export function renderRecord(env: ScriptEnv, r: Record<string, unknown>): void {
  if (r['k'] === 'note') {
    const node = r['node'] as NodeId;
    const text = r['text'] as string;
    const list = env.notes.get(node);
    if (list === undefined) env.notes.set(node, [text]);
    else list.push(text);
  } else if (r['k'] === 'drop' && env.showTypes.size > 0) {
    const msg = r['msg'] as string;
    if (env.showTypes.has(msg.split(' ')[0] as string)) {
      env.events.push(`lost ${env.nodeName(r['from'] as NodeId)}->${env.nodeName(r['to'] as NodeId)} ${clientText(env, msg)} (${r['reason'] as string})`);
    }
  }
}

/** The fact a note carries (protocol/zab/effects.ts): why a server leaves its role, an expired session. */
export function renderNoteFact(env: ScriptEnv, node: NodeId, fact: ZabObservation): void {
  if (fact.kind === 'leftRole') {
    env.leftRole.set(node, { from: fact.from, reason: fact.reason });
  } else if (fact.kind === 'sessionExpired') {
    env.expiredSessions.add(fact.session);
    const owner = [...env.sessions].find(([, v]) => v.id === fact.session)?.[0];
    env.events.push(`${node} session 0x${fact.session.toString(16)} expired${owner === undefined ? '' : ` (${env.nodeName(owner)})`}`);
  }
}

/** Client ids in a described message are printed as the scenario's client names. */
function clientText(env: ScriptEnv, text: string): string {
  return text.replace(/client=(\d+)/, (_m, id: string) => `client=${env.nodeName(Number(id))}`);
}

export function renderDelivery(env: ScriptEnv, from: NodeId, to: NodeId, msg: ZabMessage): void {
  if (env.showTypes.size === 0 || !env.showTypes.has(msg.type) || from === 0) return;
  env.events.push(`${env.nodeName(from)}->${env.nodeName(to)} ${clientText(env, describeMessage(msg))}`);
}

export function renderObservation(env: ScriptEnv, node: NodeId, o: ZabObservation): void {
  switch (o.kind) {
    case 'role': {
      if (o.role === 'LOOKING') {
        const left = env.leftRole.get(node);
        env.leftRole.delete(node);
        env.events.push(left === undefined ? `${node} LOOKING` : `${node} ${left.from} -> LOOKING: ${left.reason}`);
      } else if (o.phase === 'DISCOVERY') {
        env.events.push(o.role === 'LEADING' ? `${node} LEADING (elected)` : `${node} ${o.role} leader=${o.leader}`);
      } else if (o.phase === 'BROADCAST' && o.role !== 'LEADING') {
        const s = env.server(node);
        env.events.push(`${node} UPTODATE: ${o.role} leader=${o.leader} epoch=${o.epoch} committed=${s?.committed ?? '?'}`);
      }
      return;
    }
    case 'established':
      env.events.push(`${node} established epoch=${o.epoch}`);
      return;
    case 'activated':
      env.events.push(`${node} active: epoch=${o.epoch} history=${o.count} last=${formatZxid(o.lastZxid)}`);
      return;
    case 'sync': {
      env.syncModes.set(o.learner, `${o.mode} ${formatZxid(o.zxid)} from ${node} (peer at ${formatZxid(o.peerLastZxid)})`);
      env.syncModeNames.set(o.learner, o.mode);
      env.events.push(`${node} sync ${o.learner}: ${o.mode} ${formatZxid(o.zxid)} (peer at ${formatZxid(o.peerLastZxid)})`);
      return;
    }
    case 'truncate':
      env.events.push(`${node} truncated to ${formatZxid(o.zxid)} (${o.count} txns)`);
      return;
    case 'anomaly':
      env.events.push(`${node} anomaly ${o.flag}: ${o.detail}`);
      return;
    case 'invoke':
      if (env.awaited?.key === `${o.client}:${o.xid}`) env.awaited.invoked = true;
      env.openOps.set(`${o.client}:${o.xid}`, {
        client: env.nodeName(o.client),
        text: env.zk ? describeZkCommand(o.op) : kvStateMachine.describeOp(o.op),
      });
      return;
    case 'complete': {
      const key = `${o.client}:${o.xid}`;
      const op = env.openOps.get(key);
      env.openOps.delete(key);
      const outcome = env.zk ? describeZkCompletion(o.outcome, o.result, o.zxid) : describeOutcome(o.outcome, o.result, o.zxid);
      // A call that never reached a server says so (the client was not connected).
      const from = o.outcome === 'fail' && env.zk ? '' : ` (server ${o.server})`;
      if (o.outcome === 'ok') env.lastReplyFrom.set(env.nodeName(o.client), o.server);
      env.events.push(`${env.nodeName(o.client)} ${op?.text ?? `xid ${o.xid}`}: ${outcome}${from}`);
      return;
    }
    case 'session': {
      const entry = env.sessions.get(node);
      if (entry !== undefined) {
        entry.state = o.state;
        if (o.session !== 0) entry.id = o.session;
      }
      env.events.push(
        `${env.nodeName(node)} session 0x${o.session.toString(16)} ${o.state}${o.state === 'CONNECTED' || o.state === 'DISCONNECTED' ? ` (server ${o.server})` : ''}`,
      );
      return;
    }
    case 'watch': {
      const text = `${o.type} ${o.path}`;
      const list = env.watchEvents.get(node);
      if (list === undefined) env.watchEvents.set(node, [text]);
      else list.push(text);
      env.events.push(`${env.nodeName(node)} watch ${text} zxid=${formatZxid(o.zxid)} (server ${o.server})`);
      return;
    }
    case 'recipe':
      env.claims.push({ atUs: env.k.nowUs, node, recipe: o.recipe, event: o.event, detail: o.detail });
      env.events.push(`${env.nodeName(node)} ${o.recipe} ${describeClaim(o.event, o.detail)}`);
      return;
    default:
      return;
  }
}
