// Parsers for porcupine's two test-data formats (linearizability.md §2): Jepsen etcd register logs and
// EDN key/value logs. Timestamps are line numbers; ops left open at the end never returned (+Infinity).

import type { Operation } from '../checkers/linearizability/model.js';
import { REGISTER_UNKNOWN, registerOutput } from '../checkers/linearizability/register.js';
import type { RegisterInput, RegisterOutput } from '../checkers/linearizability/register.js';
import { KV_UNKNOWN, kvInput, kvOutput } from '../checkers/linearizability/kv.js';
import type { KvInput, KvOutput } from '../checkers/linearizability/kv.js';
import { HistoryFormatError } from './types.js';

const ETCD_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(nil|\d+|\[(\d+)\s+(\d+)\]|:timed-out)\s*$/;
const ETCD_EXPECTED = 'a Jepsen etcd line "INFO  jepsen.util - <proc> :invoke|:ok|:fail|:info :read|:write|:cas nil|<int>|[<int> <int>]|:timed-out"';

/**
 * A decimal integer the checker can hold exactly. Beyond 2^53 - 1 two different values could read as
 * the same number and make a violation look linearizable, so such a line is refused instead.
 */
function safeInteger(text: string, file: string, line: number, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new HistoryFormatError(file, line, `${what} to be an integer of at most 2^53 - 1 (got ${text.length > 24 ? `${text.slice(0, 24)}...` : text})`);
  return n;
}

type Pending<I> = { readonly input: I; readonly call: number; readonly line: number };

/** Splits into lines, dropping one trailing newline; yields [1-based line number, text] for non-blank lines. */
function* nonBlankLines(text: string): Generator<readonly [number, string]> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() !== '') yield [i + 1, line];
  }
}

export function parsePorcupineEtcd(text: string, file: string): Operation<RegisterInput, RegisterOutput>[] {
  const ops: Operation<RegisterInput, RegisterOutput>[] = [];
  const open = new Map<number, Pending<RegisterInput>>();
  const crashed = new Set<number>();
  let time = 0;
  for (const [lineNumber, line] of nonBlankLines(text)) {
    const match = ETCD_LINE.exec(line);
    if (match === null) throw new HistoryFormatError(file, lineNumber, ETCD_EXPECTED);
    const process = safeInteger(match[1]!, file, lineNumber, 'the process number');
    const type = match[2]!;
    const f = match[3] as RegisterInput['f'];
    const value = match[4]!;
    const casFrom = match[5];
    const casTo = match[6];
    time++;
    if (type === 'invoke') {
      if (open.has(process)) throw new HistoryFormatError(file, lineNumber, `no :invoke while process ${process} has an open operation`);
      if (crashed.has(process)) throw new HistoryFormatError(file, lineNumber, `no reuse of process ${process} after its :info`);
      let input: RegisterInput;
      if (f === 'read') {
        if (value !== 'nil') throw new HistoryFormatError(file, lineNumber, 'nil as the value of a read :invoke');
        input = { f: 'read' };
      } else if (f === 'write') {
        if (!/^\d+$/.test(value)) throw new HistoryFormatError(file, lineNumber, 'an integer as the value of a write :invoke');
        input = { f: 'write', value: safeInteger(value, file, lineNumber, 'the written value') };
      } else {
        if (casFrom === undefined || casTo === undefined) throw new HistoryFormatError(file, lineNumber, '[<from> <to>] as the value of a cas :invoke');
        input = { f: 'cas', from: safeInteger(casFrom, file, lineNumber, 'the cas value'), to: safeInteger(casTo, file, lineNumber, 'the cas value') };
      }
      open.set(process, { input, call: time, line: lineNumber });
      continue;
    }
    const pending = open.get(process);
    if (pending === undefined) throw new HistoryFormatError(file, lineNumber, `an :invoke by process ${process} before its :${type}`);
    if (pending.input.f !== f)
      throw new HistoryFormatError(file, lineNumber, `:${pending.input.f} to match the open :invoke of process ${process} (line ${pending.line})`);
    if (type === 'info') {
      // Indeterminate: porcupine leaves the op open until the end of the history.
      open.delete(process);
      crashed.add(process);
      ops.push({ client: process, input: pending.input, output: REGISTER_UNKNOWN, call: pending.call, return: Number.POSITIVE_INFINITY });
      continue;
    }
    open.delete(process);
    let output: RegisterOutput;
    if (value === ':timed-out') {
      if (!(type === 'fail' && f === 'read')) throw new HistoryFormatError(file, lineNumber, ':timed-out only on a :fail :read or an :info line');
      output = REGISTER_UNKNOWN; // a timed-out read returned nothing we can check
    } else if (f === 'read') {
      if (type !== 'ok') throw new HistoryFormatError(file, lineNumber, ':ok or :timed-out for a read');
      output = registerOutput(value === 'nil' ? null : safeInteger(value, file, lineNumber, 'the value read'));
    } else if (f === 'write') {
      if (type !== 'ok' || !/^\d+$/.test(value)) throw new HistoryFormatError(file, lineNumber, ':ok :write <int>');
      output = registerOutput(null);
    } else {
      if (casFrom === undefined) throw new HistoryFormatError(file, lineNumber, '[<from> <to>] as the value of a cas completion');
      output = registerOutput(null, type === 'ok');
    }
    ops.push({ client: process, input: pending.input, output, call: pending.call, return: time });
  }
  for (const [process, pending] of open) {
    ops.push({ client: process, input: pending.input, output: REGISTER_UNKNOWN, call: pending.call, return: Number.POSITIVE_INFINITY });
  }
  return ops;
}

const KV_LINE = /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key "([^"\\]*)", :value (nil|"([^"\\]*)")\}$/;
const KV_EXPECTED = 'a kv line {:process <int>, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "<str>", :value nil|"<str>"}';

export function parsePorcupineKv(text: string, file: string): Operation<KvInput, KvOutput>[] {
  const ops: Operation<KvInput, KvOutput>[] = [];
  const open = new Map<number, Pending<KvInput>>();
  let time = 0;
  for (const [lineNumber, line] of nonBlankLines(text)) {
    const match = KV_LINE.exec(line);
    if (match === null) throw new HistoryFormatError(file, lineNumber, KV_EXPECTED);
    const process = safeInteger(match[1]!, file, lineNumber, 'the process number');
    const type = match[2]!;
    const f = match[3] as KvInput['f'];
    const key = match[4]!;
    const value = match[6];
    time++;
    if (type === 'invoke') {
      if (open.has(process)) throw new HistoryFormatError(file, lineNumber, `no :invoke while process ${process} has an open operation`);
      if (f !== 'get' && value === undefined) throw new HistoryFormatError(file, lineNumber, `a string :value for a ${f} :invoke`);
      open.set(process, { input: kvInput(f, key, value ?? ''), call: time, line: lineNumber });
      continue;
    }
    const pending = open.get(process);
    if (pending === undefined) throw new HistoryFormatError(file, lineNumber, `an :invoke by process ${process} before its :${type}`);
    if (pending.input.f !== f || pending.input.key !== key) {
      throw new HistoryFormatError(
        file,
        lineNumber,
        `:${pending.input.f} on key "${pending.input.key}" to match the open :invoke of process ${process} (line ${pending.line})`,
      );
    }
    open.delete(process);
    if (type === 'fail') continue; // definitely did not happen
    if (type === 'info') {
      ops.push({ client: process, input: pending.input, output: KV_UNKNOWN, call: pending.call, return: Number.POSITIVE_INFINITY });
      continue;
    }
    if (f === 'get' && value === undefined) throw new HistoryFormatError(file, lineNumber, 'a string :value for an :ok get');
    ops.push({ client: process, input: pending.input, output: kvOutput(value ?? ''), call: pending.call, return: time });
  }
  for (const [process, pending] of open) {
    ops.push({ client: process, input: pending.input, output: KV_UNKNOWN, call: pending.call, return: Number.POSITIVE_INFINITY });
  }
  return ops;
}
