// A shared counter with compare-and-set, after Curator's SharedCount.trySetCount and
// DistributedAtomicValue.tryOptimistic: read the value and its Stat (getData), write value + 1 with
// setData(path, data, stat.version), and on BADVERSION (someone wrote in between) read and try again.
// Each increment the server accepts claims "incremented" with the value it went from and to and the
// node's new version. A setData whose reply is lost (CONNECTIONLOSS) may or may not have applied; it
// claims "unknown", and the increment is tried again from a fresh read after the reconnect, as
// Curator's RetryLoop does, so one requested increment can be applied twice (the counter is exact
// only over the attempts whose outcome is known). The counter node holds a decimal string; an empty
// node counts as 0.
import type { NodeId } from '../../program.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';

export interface CounterState {
  readonly client: NodeId;
  readonly path: string;
  /** Increments requested and not yet applied (or abandoned after a SESSIONEXPIRED). */
  readonly wanted: number;
  /** Whether a read or a CAS is out (one at a time). */
  readonly busy: boolean;
  /** Whether the session is gone (a handle whose session expired is dead). */
  readonly stopped: boolean;
}

export type CounterCommand = { readonly type: 'increment' };

function state(s: CounterState, wanted: number, busy: boolean, stopped = s.stopped): CounterState {
  return { client: s.client, path: s.path, wanted, busy, stopped };
}

function read(s: CounterState, wanted: number): RecipeOutput<CounterState> {
  return { state: state(s, wanted, true), calls: [{ tag: 'read', command: { type: 'getData', path: s.path, watch: false } }], claims: [] };
}

function idle(s: CounterState, wanted: number, claims: RecipeOutput<CounterState>['claims'] = []): RecipeOutput<CounterState> {
  return { state: state(s, wanted, false), calls: [], claims };
}

export function valueOf(data: string | null | undefined): number {
  return data === null || data === undefined || data === '' ? 0 : Number(data);
}

export function counterRecipe(path: string): Recipe<CounterState> {
  return {
    name: 'counter',
    init: (client) => ({ client, path, wanted: 0, busy: false, stopped: false }),
    step(s: CounterState, input: RecipeInput): RecipeOutput<CounterState> {
      // A CAS still in flight when the session ended may have applied: its outcome is still claimed.
      if (s.stopped) return input.type === 'complete' && input.tag.startsWith('cas:') ? casOutcome(s, input, true) : idle(s, s.wanted);
      switch (input.type) {
        case 'app':
          if ((input.command as CounterCommand).type !== 'increment') return idle(s, s.wanted);
          return s.busy ? { state: state(s, s.wanted + 1, true), calls: [], claims: [] } : read(s, s.wanted + 1);
        case 'session':
          if (input.state === 'EXPIRED' || input.state === 'CLOSED' || input.state === 'AUTH_FAILED')
            return { state: state(s, 0, false, true), calls: [], claims: [] };
          // Pending calls failed with the connection; the retry loop goes on once connected.
          return input.state === 'CONNECTED' && !s.busy && s.wanted > 0 ? read(s, s.wanted) : idle(s, s.wanted);
        case 'watch':
          return idle(s, s.wanted);
        case 'complete': {
          const r = input.result;
          if (input.tag === 'read') {
            if (r.err !== 'OK' || r.response?.type !== 'getData') return idle(s, s.wanted);
            const from = valueOf(r.response.data);
            return {
              state: state(s, s.wanted, true),
              calls: [{ tag: `cas:${from}`, command: { type: 'setData', path: s.path, data: String(from + 1), version: r.response.stat.version } }],
              claims: [],
            };
          }
          return casOutcome(s, input, false);
        }
      }
    },
  };
}

/** Errors with which the server refused the setData: it did not apply. */
const REFUSED = new Set(['BADVERSION', 'NONODE', 'NOAUTH', 'BADARGUMENTS']);

/**
 * A CAS's reply: an increment, a lost race (read again), or an outcome the client cannot know — a
 * reply lost with the connection, or an error the client raised itself (a session that expired while
 * the request was in flight): it may have applied, so it claims "unknown", and is tried again from a
 * fresh read after the reconnect (not once the session is gone: `stopped`).
 */
function casOutcome(s: CounterState, input: Extract<RecipeInput, { type: 'complete' }>, stopped: boolean): RecipeOutput<CounterState> {
  const r = input.result;
  const from = Number(input.tag.slice('cas:'.length));
  if (r.err === 'OK' && r.response?.type === 'setData') {
    const claims = [{ event: 'incremented', detail: { from, to: from + 1, version: r.response.stat.version, zxid: input.readZxid } }];
    return stopped ? idle(s, s.wanted, claims) : s.wanted > 1 ? { ...read(s, s.wanted - 1), claims } : idle(s, 0, claims);
  }
  if (r.err === 'BADVERSION' && !stopped) return read(s, s.wanted);
  if (REFUSED.has(r.err)) return idle(s, s.wanted);
  return idle(s, s.wanted, [{ event: 'unknown', detail: { from } }]);
}
