// Proves that steps which change nothing hand back the very state they were given (rule 3: a step
// costs O(what changed)): a session touch that leaves the session in its expiry bucket, an expiry
// pass with no bucket due, and a basic client's request timer while it has heard nothing. Callers
// compare by identity to skip copying the server, so a fresh but equal copy here costs every step.
import { describe, expect, it } from 'vitest';
import { basicClientProgram, type BasicClient } from '../../protocol/client/basic-client.js';
import { trackerExpire, trackerFromSessions, trackerStartClock, trackerTouch } from '../../protocol/service/session-tracker.js';

const TICK_US = 2_000_000;
const SESSION = 0x100000001;

describe('no-op steps keep their state', () => {
  const started = trackerStartClock(trackerFromSessions([[SESSION, 6_000]], TICK_US), 0);

  it('a touch within the same bucket returns the same tracker; one that moves the bucket does not', () => {
    // Deadline roundUp(now + 6 s) to the next 2 s: 0 and 1.5 s both land in the 8 s bucket.
    const same = trackerTouch(started, SESSION, 1_500_000);
    expect(same.alive).toBe(true);
    expect(same.tracker).toBe(started);
    const moved = trackerTouch(started, SESSION, 2_500_000);
    expect(moved.alive).toBe(true);
    expect(moved.tracker).not.toBe(started);
    expect(moved.tracker.queue?.nextExpirationUs).toBe(started.queue?.nextExpirationUs);
  });

  it('an expiry pass with no bucket due returns the same tracker; a due bucket expires the session', () => {
    const idle = trackerExpire(started, 1_000_000);
    expect(idle.expired).toEqual([]);
    expect(idle.tracker).toBe(started);
    const due = trackerExpire(started, 8_000_000);
    expect(due.expired).toEqual([SESSION]);
    expect(due.tracker).not.toBe(started);
  });

  it("a basic client's request timer keeps the client when it has heard nothing and has nothing pending", () => {
    const program = basicClientProgram([1, 2, 3], 4_000);
    const booted = program.boot(10, null) as BasicClient;
    expect(booted.heard).toBe(false);
    const [after, effects] = program.step(booted, { type: 'timeout', timer: 'request', now: 2_000_000 });
    expect(after).toBe(booted);
    expect(effects.map((e) => e.type)).toEqual(['setTimer']);
    // Having heard, the timer clears the flag: a new client.
    const heard: BasicClient = { ...booted, heard: true };
    const [cleared] = program.step(heard, { type: 'timeout', timer: 'request', now: 2_000_000 } as const);
    expect(cleared).not.toBe(heard);
    expect((cleared as BasicClient).heard).toBe(false);
  });
});
