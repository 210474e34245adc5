// Session ids. ZooKeeper: myid<<56 | (bootMillis<<24)>>>8, then +1 per session — the top byte names
// the creating server, the middle bits its start time, the low bits a counter. JavaScript numbers are
// exact only below 2^53, so zabsim narrows the fields, keeping the layout:
//
//   id = myid · 2^40 + (startMs mod 2^24) · 2^16 + counter      (myid < 2^13, counter < 2^16)
//
// `startMs` is the server's virtual clock when it hands out its first session after a (re)start, so a
// restarted server does not reuse its earlier ids unless the 24-bit ms field (~4.6 h) wraps. Ids are
// never 0 ("no session" / "not ephemeral") because myid ≥ 1.
import { assert } from '../assert.js';

const MYID_SPAN = 2 ** 40;
const TIME_SPAN = 2 ** 24;
const COUNTER_SPAN = 2 ** 16;

export function sessionIdBase(myid: number, startMs: number): number {
  if (!(Number.isInteger(myid) && myid >= 1 && myid < 2 ** 13)) assert(false, `myid ${myid} outside 1..8191`);
  return myid * MYID_SPAN + (Math.floor(startMs) % TIME_SPAN) * COUNTER_SPAN;
}

export function sessionIdAt(base: number, counter: number): number {
  if (!(counter >= 1 && counter < COUNTER_SPAN)) assert(false, `session counter ${counter} out of range`);
  const id = base + counter;
  if (!Number.isSafeInteger(id)) assert(false, `session id ${id} not exact`);
  return id;
}

/** The server that created a session (the top field). */
export function creatorOf(sessionId: number): number {
  return Math.floor(sessionId / MYID_SPAN);
}
