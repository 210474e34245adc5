// The decision tape behind replay by meaning (a capsule replays a failure's decisions, not its
// stream positions). Each random decision of a run is stored under a key that says what it
// decided, numbered by occurrence:
//   "1>2 PROPOSAL 0x100000003"        latency of that message on link 1→2 (its 1st send)
//   "1>2 PROPOSAL 0x100000003 loss"   whether a loss window dropped it
//   "2 timer election"                duration of server 2's election timer (its n-th setting)
//   "3 fsync"                         duration of server 3's n-th fsync
//   "fault 4"                         the draws that resolved fault #4's role-named targets
// On replay a key found on the tape returns the recorded value; a key that is not there (code
// that changed since the capsule was written) falls back to the seeded stream. An unrelated extra
// draw, or a new message type, therefore no longer shifts every later decision.
import type { DecisionTape } from '../kernel/kernel.js';
import { rngFrom, type Rng } from '../rng.js';

export type TapeData = Readonly<Record<string, readonly number[]>>;

export class Tape implements DecisionTape {
  private readonly recorded: Map<string, number[]>;
  private readonly seen = new Map<string, number>();
  /** Lookups served from the tape, and lookups that fell back to the stream. */
  hits = 0;
  misses = 0;

  constructor(data: TapeData = {}) {
    this.recorded = new Map(Object.entries(data).map(([k, v]) => [k, v.slice()]));
  }

  decide(key: string, draw: () => number): number {
    const i = this.seen.get(key) ?? 0;
    this.seen.set(key, i + 1);
    let values = this.recorded.get(key);
    if (values !== undefined && i < values.length) {
      this.hits++;
      return values[i] as number;
    }
    this.misses++;
    const value = draw();
    if (values === undefined) {
      values = [];
      this.recorded.set(key, values);
    }
    if (values.length === i) values.push(value);
    return value;
  }

  toJSON(): TapeData {
    return Object.fromEntries(this.recorded);
  }
}

/** A stream whose every draw goes through the tape under one key (fault target resolution). */
export function tapedRng(inner: Rng, tape: Tape, key: string): Rng {
  return rngFrom(
    () => tape.decide(key, () => inner.next()),
    () => inner.state(),
  );
}
