// state
// history 2
// sync-modes
// notes 1
//
// Inspection: print the servers' states, one server's history, the last syncs, a server's notes.
import { pvecGet } from '../../../protocol/pvec.js';
import { restoredImage, type ZabDisk } from '../../../protocol/zab/disk.js';
import { historyBase, historyCount, lastLoggedZxid, txnAt } from '../../../protocol/zab/history.js';
import type { ZabServer } from '../../../protocol/zab/state.js';
import type { Txn } from '../../../protocol/zab/txn.js';
import { formatZxid } from '../../../protocol/zxid.js';
import type { Command } from '../datadriven.js';
import { describeDisk, describeTxn } from '../describe.js';
import type { ScriptEnv } from '../env.js';

/** `state`: one line per server: role, leader, phase, epochs, last logged zxid, committed txns. */
export function state(env: ScriptEnv): string[] {
  return env.servers.map((id) => {
    if (!env.k.isUp(id)) return `${id} down: disk ${describeDisk(env.k.diskOf(id) as ZabDisk)}`;
    const s = env.server(id) as ZabServer;
    const leader = s.learner !== null ? ` leader=${s.learner.leader}` : '';
    const outstanding = s.leader !== null && s.phase === 'BROADCAST' ? ` outstanding=${s.leader.outstanding.size}` : '';
    const paused = env.k.isPaused(id) ? ' (paused)' : '';
    return `${id} ${s.role}${leader} ${s.phase} accepted=${s.acceptedEpoch} current=${s.currentEpoch} last=${formatZxid(lastLoggedZxid(s))} committed=${s.committed}${outstanding}${paused}`;
  });
}

/** `history N`: server N's snapshot and log, one txn per line; `pending` = not known committed here. */
export function history(env: ScriptEnv, cmd: Command): string[] {
  const id = env.serverArg(cmd.words[0]);
  const lines: string[] = [];
  if (!env.k.isUp(id)) {
    // The log as a restore reads it, old records a SNAP left above the snapshot included (disk.ts).
    const d = restoredImage(env.k.diskOf(id) as ZabDisk);
    lines.push(`${id} down; on disk:`);
    if (d.snapshot !== null) lines.push(`snapshot ${formatZxid(d.snapshot.zxid)} (${d.snapshot.count} txns)`);
    for (let i = 0; i < d.log.size; i++) lines.push(describeTxn(pvecGet(d.log, i)));
    if (lines.length === 1) lines.push('(empty)');
    return lines;
  }
  const s = env.server(id) as ZabServer;
  if (s.snapshot !== null) lines.push(`snapshot ${formatZxid(s.snapshot.zxid)} (${s.snapshot.count} txns)`);
  for (let i = historyBase(s); i < historyCount(s); i++) {
    const txn = txnAt(s, i) as Txn;
    lines.push(`${describeTxn(txn)}${i >= s.committed ? ' pending' : ''}`);
  }
  if (lines.length === 0) lines.push('(empty)');
  return lines;
}

/** `sync-modes`: the last DIFF/TRUNC/SNAP each learner was sent, and by whom. */
export function syncModes(env: ScriptEnv): string[] {
  const ids = [...env.syncModes.keys()].sort((a, b) => a - b);
  if (ids.length === 0) return ['(no sync yet)'];
  return ids.map((id) => `${id} ${env.syncModes.get(id)}`);
}

/** `notes N`: the notes server N wrote during the last command that moved time. */
export function notes(env: ScriptEnv, cmd: Command): string[] {
  const id = env.serverArg(cmd.words[0]);
  const list = env.notes.get(id) ?? [];
  return list.length === 0 ? ['(no notes)'] : list;
}
