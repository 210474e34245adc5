// Hand-made traces for the report tests: small, deterministic, and full of hostile text.
import { writeFileSync } from 'node:fs';

export const XSS_SCRIPT = '<script>window.__pwned=1</script>';
export const XSS_IMG = '<img src=x onerror="window.__pwned=2">';

/** A two-server, one-client trace whose notes, messages, znode data and violation carry markup. */
export function hostileTraceLines(): object[] {
  const options = { scenario: `xss${XSS_SCRIPT}`, seed: 'x', servers: 2, observers: 0, workload: { clients: 1 } };
  const records: object[] = [
    { t: 0, k: 'note', node: 1, text: `boot ${XSS_SCRIPT}` },
    { t: 100, k: 'observe', node: 1, what: { kind: 'role', role: 'LEADING', phase: 'BROADCAST', epoch: 1, leader: 1 } },
    { t: 120, k: 'observe', node: 2, what: { kind: 'role', role: 'FOLLOWING', phase: 'BROADCAST', epoch: 1, leader: 1 } },
    { t: 200, k: 'observe', node: 3, what: { kind: 'invoke', client: 3, xid: 1, op: { type: 'create', path: '/a', data: XSS_SCRIPT }, server: 1 } },
    { t: 250, k: 'deliver', from: 3, to: 1, conn: 1, sent: 200, msg: `CLIENT_REQUEST xid=1 data=${XSS_IMG}` },
    { t: 250, k: 'observe', node: 1, what: { kind: 'propose', zxid: 4294967297, epoch: 1, committedCount: 0 } },
    { t: 400, k: 'deliver', from: 1, to: 2, conn: 1, sent: 250, msg: `PROPOSAL 1:1 ${XSS_IMG}` },
    { t: 500, k: 'deliver', from: 2, to: 1, conn: 1, sent: 400, msg: 'ACK 1:1' },
    { t: 500, k: 'observe', node: 1, what: { kind: 'commit', zxid: 4294967297, index: 0 } },
    { t: 510, k: 'drop', from: 1, to: 2, reason: 'partition', sent: 510, msg: 'COMMIT 1:1' },
    { t: 520, k: 'deliver', from: 1, to: 3, conn: 1, sent: 500, msg: 'CLIENT_REPLY' },
    { t: 520, k: 'observe', node: 3, what: { kind: 'complete', client: 3, xid: 1, outcome: 'ok', result: XSS_IMG, zxid: 4294967297, server: 1 } },
    { t: 600, k: 'nemesis', fault: `crash ${XSS_SCRIPT}` },
    { t: 600, k: 'fault', fault: 'crash', node: 2, lostWrites: 0 },
    { t: 700, k: 'fault', fault: 'restart', node: 2 },
    { t: 900, k: 'violation', checker: 'quorum-commit', node: 1, message: `1:1 committed ${XSS_IMG}`, at: 500 },
    { t: 900, k: 'verdicts', verdicts: { 'quorum-commit': 'violated', liveness: 'ok' }, liveness: XSS_SCRIPT, exitCode: 1 },
  ];
  return [{ kind: 'header', version: 1, seed: 'x', options }, ...records, { kind: 'end', lines: records.length, hash: '0' }];
}

export function writeHostileTrace(path: string): string {
  writeFileSync(
    path,
    hostileTraceLines()
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  return path;
}
