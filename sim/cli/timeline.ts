// A readable terminal timeline, printed while the run goes: role and epoch changes stand out,
// faults and violations are coloured, heartbeats and routine traffic never appear. It wraps the
// real trace sink, so the trace itself is unchanged.
import type { ChalkInstance } from 'chalk';
import type { TraceSink } from '../trace/sink.js';
import { formatZxid } from '../../protocol/zxid.js';

export class TimelineSink implements TraceSink {
  readonly enabled = true;
  private readonly inner: TraceSink;
  private readonly out: (line: string) => void;
  private readonly c: ChalkInstance;
  private printed = 0;
  private readonly maxLines: number;

  constructor(inner: TraceSink, out: (line: string) => void, c: ChalkInstance, maxLines = 400) {
    this.inner = inner;
    this.out = out;
    this.c = c;
    this.maxLines = maxLines;
  }

  get lines(): number {
    return this.inner.lines;
  }

  get version(): TraceSink['version'] {
    return this.inner.version;
  }

  hash(): string {
    return this.inner.hash();
  }

  close(extra?: object): string {
    if (this.printed >= this.maxLines) this.out(this.c.dim(`  ... ${this.printed - this.maxLines} more timeline lines not shown (see the trace)`));
    return this.inner.close(extra);
  }

  /**
   * Pre-serialized records are routine traffic, except observations (role changes, anomalies),
   * which the kernel also writes as text; only those are parsed back.
   */
  text(line: string): void {
    this.inner.text(line);
    if (line.includes('"k":"observe"')) this.line(JSON.parse(line) as object, false);
  }

  line(record: object, forward = true): void {
    if (forward) this.inner.line(record);
    const text = this.render(record as Record<string, unknown>);
    if (text === null) return;
    this.printed++;
    if (this.printed <= this.maxLines) this.out(text);
  }

  private stamp(t: unknown): string {
    return this.c.dim(`${(Number(t) / 1e6).toFixed(3).padStart(9)}s`);
  }

  private render(r: Record<string, unknown>): string | null {
    const c = this.c;
    const at = this.stamp(r['t']);
    const node = `s${String(r['node'])}`;
    switch (r['k']) {
      case 'nemesis':
        return `${at}  ${c.red.bold('⚡ ' + String(r['fault']))}`;
      case 'fault': {
        const f = String(r['fault']);
        if (f === 'crash' && r['exit'] !== undefined)
          return `${at}  ${c.red(`exit ${String(r['exit'])} s${String(r['node'])}, supervisor restart at ${(Number(r['restartAt']) / 1e6).toFixed(3)}s`)}`;
        if (f === 'crash' || f === 'restart' || f === 'restart-wiped' || f === 'pause' || f === 'resume')
          return `${at}  ${c.red(`${f} s${String(r['node'])}`)}`;
        if (f === 'partition') return `${at}  ${c.red(`partition ${(r['groups'] as number[][]).map((g) => `{${g.join(',')}}`).join(' ')}`)}`;
        if (f === 'heal') return `${at}  ${c.green('heal: every link up')}`;
        return null;
      }
      case 'phase':
        return `${at}  ${c.cyan.bold(`── ${String(r['phase'])} phase: ${String(r['note'])}`)}`;
      case 'violation':
        return `${at}  ${c.bgRed.white.bold(` VIOLATION ${String(r['checker'])} `)} ${String(r['message'])}`;
      case 'assertion':
      case 'error':
        return `${at}  ${c.bgRed.white.bold(` ${String(r['k']).toUpperCase()} `)} s${String(r['node'])}: ${String(r['message'])}`;
      case 'observe': {
        const w = r['what'] as Record<string, unknown>;
        switch (w['kind']) {
          case 'role': {
            const role = String(w['role']);
            const label = role === 'LEADING' ? c.yellow.bold(role) : role === 'LOOKING' ? c.magenta(role) : c.blue(role);
            if (role !== 'LEADING' && w['phase'] !== 'BROADCAST' && w['phase'] !== 'ELECTION') return null;
            const who = w['leader'] === null ? '' : role === 'LEADING' ? '' : ` → s${String(w['leader'])}`;
            return `${at}  ${node.padEnd(4)} ${label} ${c.dim(String(w['phase']))} epoch ${String(w['epoch'])}${who}`;
          }
          case 'established':
            return `${at}  ${node.padEnd(4)} ${c.yellow(`established epoch ${String(w['epoch'])}`)}`;
          case 'activated':
            return `${at}  ${node.padEnd(4)} ${c.yellow.bold(`leader active, epoch ${String(w['epoch'])}, history ${String(w['count'])} txns up to ${formatZxid(Number(w['lastZxid']))}`)}`;
          case 'sync':
            return `${at}  ${node.padEnd(4)} sync s${String(w['learner'])} by ${c.bold(String(w['mode']))} ${formatZxid(Number(w['zxid']))} (learner at ${formatZxid(Number(w['peerLastZxid']))})`;
          case 'anomaly':
            return `${at}  ${node.padEnd(4)} ${c.red(`anomaly ${String(w['flag'])}: ${String(w['detail'])}`)}`;
          default:
            return null;
        }
      }
      default:
        return null;
    }
  }
}
