// Proves the leader's sync choice (protocol/zab/sync-follower.ts, LearnerHandler.syncFollower) case
// by case: each line of testdata/sync-follower.txt gives the peer zxid and the leader's windows, and
// the mode, packet zxid, first txn sent and forwarding point it must yield, including the case of a
// peer below the committedLog synced from the on-disk txn log (ZKDatabase.getProposalsFromTxnLog).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { syncFollower } from '../../protocol/zab/sync-follower.js';
import { formatZxid, makeZxid, type Zxid } from '../../protocol/zxid.js';

function zxid(text: string): Zxid {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (m === null) throw new Error(`bad zxid ${text}`);
  return makeZxid(Number(m[1]), Number(m[2]));
}

interface Row {
  readonly name: string;
  readonly line: number;
  readonly fields: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  readonly expected: string;
}

function parse(text: string): Row[] {
  const rows: Row[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [input, expected] = line.split('->').map((p) => p.trim()) as [string, string];
    const [name, ...words] = input.split(/\s+/) as [string, ...string[]];
    const fields = new Map<string, string>();
    const flags = new Set<string>();
    for (const w of words) {
      const eq = w.indexOf('=');
      if (eq < 0) flags.add(w);
      else fields.set(w.slice(0, eq), w.slice(eq + 1));
    }
    rows.push({ name, line: i + 1, fields, flags, expected });
  });
  return rows;
}

const rows = parse(readFileSync(new URL('./testdata/sync-follower.txt', import.meta.url), 'utf8'));

describe('syncFollower (LearnerHandler.syncFollower)', () => {
  test('the table has a case for every mode', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const mode of ['DIFF', 'TRUNC', 'SNAP']) expect(rows.some((r) => r.expected.startsWith(mode))).toBe(true);
  });

  test.each(rows.map((r) => [`${r.name} (line ${r.line})`, r] as const))('%s', (_, row) => {
    const get = (key: string): string => {
      const v = row.fields.get(key);
      if (v === undefined) throw new Error(`line ${row.line}: missing ${key}=`);
      return v;
    };
    const history = get('history') === '' ? [] : get('history').split(',').map(zxid);
    const base = Number(get('base'));
    const d = syncFollower({
      peerLastZxid: zxid(get('peer')),
      lastProcessedZxid: zxid(get('last')),
      base,
      windowStart: Number(get('window')),
      committedEnd: Number(get('committed')),
      zxidAt: (i) => {
        const z = history[i - base];
        if (z === undefined) throw new Error(`line ${row.line}: history index ${i} read outside the table`);
        return z;
      },
      diffWithoutTrunc: row.flags.has('zk1154'),
      snapWithEmptyCommittedLog: row.flags.has('zk2832'),
      txnLogFrom: row.fields.has('txnlog') ? Number(get('txnlog')) : null,
      txnLogOnlyFile: row.flags.has('onlyfile'),
      holes: row.fields.has('hole') ? [{ from: Number(get('hole').split('-')[0]), to: Number(get('hole').split('-')[1]) }] : [],
    });
    const skip = d.skipped.map((h) => ` skip=${h.from}-${h.to}`).join('');
    expect(`${d.mode} ${formatZxid(d.packetZxid)} send=${d.sendFrom} forward=${formatZxid(d.forwardFrom)}${skip}`).toBe(row.expected);
  });
});
