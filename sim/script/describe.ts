// How the scenario language prints a disk, a txn and a key-value completion: one compact line each
// (ZooKeeper's names; the ZooKeeper service's words are in zk-words.ts).
import { diskHistoryCount, restoredImage, type ZabDisk } from '../../protocol/zab/disk.js';
import { lastLoggedZxid } from '../../protocol/zab/history.js';
import type { KvBody } from '../../protocol/kv/state-machine.js';
import type { Txn } from '../../protocol/zab/txn.js';
import { formatZxid, type Zxid } from '../../protocol/zxid.js';

export function describeDisk(image: ZabDisk): string {
  // As a restore reads it: old log records a SNAP left above the snapshot count (disk.ts).
  const d = restoredImage(image);
  const last: Zxid = lastLoggedZxid(d);
  const count = diskHistoryCount(d);
  return `accepted=${d.acceptedEpoch} current=${d.currentEpoch} last=${formatZxid(last)} txns=${count}`;
}

export function describeTxn(txn: Txn): string {
  const zk = txn.body as { body?: { type: string; path?: string; err?: string }; sessionId?: number };
  if (zk.body !== undefined) {
    // A ZooKeeper txn: its op, path (or error) and session.
    const inner = zk.body;
    const what = inner.path !== undefined ? ` ${inner.path}` : inner.err !== undefined ? ` ${inner.err}` : '';
    return `${formatZxid(txn.zxid)} ${inner.type}${what} session=0x${(zk.sessionId ?? 0).toString(16)}`;
  }
  const b = txn.body as KvBody;
  return b.type === 'set' ? `${formatZxid(txn.zxid)} set ${b.key}=${b.value}` : `${formatZxid(txn.zxid)} error ${b.error} ${b.key}`;
}

/** A key-value client's completion: the value read, the version written, or why it failed. */
export function describeOutcome(outcome: string, result: unknown, zxid: Zxid | null): string {
  const r = result as Record<string, unknown> | null;
  if (outcome === 'info') return `${String(r?.['error'] ?? 'unknown')} (outcome unknown)`;
  if (outcome === 'fail') return `failed ${String(r?.['error'] ?? '')}`;
  const at = zxid === null ? '' : ` zxid=${formatZxid(zxid)}`;
  if (r === null) return `ok (no such key)${at}`;
  if ('value' in r) return `ok value=${String(r['value'])} version=${String(r['version'])}${at}`;
  return `ok version=${String(r['version'])}${at}`;
}
