// Proves the kernel's event queue hands events out in (time, insertion) order, moves the clock to
// each popped event, and that a pooled record reused for another kind keeps none of the fields of
// its previous life (each kind's fields are named, and every other field is cleared).
import { describe, expect, test } from 'vitest';
import { ACTION, DELIVER, EventQueue, FSYNC, RESET, TIMER } from '../../sim/kernel/queue.js';

describe('EventQueue', () => {
  test('pops in time order, ties in insertion order, and moves the clock', () => {
    const q = new EventQueue();
    q.timer(1, 30, 'tick', 1, 0);
    q.deliver(2, 10, 1, 1, 'a', 0);
    q.deliver(3, 10, 1, 1, 'b', 0);
    q.reset(4, 20, 5, 0);
    const seen: string[] = [];
    for (let e = q.peek(); e !== undefined; e = q.peek()) {
      q.pop();
      expect(q.nowUs).toBe(e.t);
      seen.push(`${e.t}:${e.kind}:${e.node}`);
      q.recycle(e);
    }
    expect(seen).toEqual([`10:${DELIVER}:2`, `10:${DELIVER}:3`, `20:${RESET}:4`, `30:${TIMER}:1`]);
  });

  test('a reused record carries only the fields of its new kind', () => {
    const q = new EventQueue();
    q.deliver(2, 5, 7, 3, { type: 'PROPOSAL' }, 4);
    const first = q.pop();
    expect([first.from, first.conn, first.sentUs, first.msg]).toEqual([7, 3, 4, { type: 'PROPOSAL' }]);
    q.recycle(first);
    q.fsync(2, 9, 11, 42, 1);
    const second = q.pop();
    expect(second).toBe(first); // the pool gave the same record back
    expect(second.kind).toBe(FSYNC);
    expect([second.fsyncToken, second.writeMark, second.incarnation]).toEqual([11, 42, 1]);
    expect([second.from, second.conn, second.sentUs, second.msg, second.timer, second.timerGen, second.action]).toEqual([0, 0, 0, null, '', 0, null]);
  });

  test('a held record is not reused, and requeues at the current time', () => {
    const q = new EventQueue();
    const calls: number[] = [];
    q.action(3, () => calls.push(3));
    const held = q.pop();
    expect(held.kind).toBe(ACTION);
    held.held = true;
    q.recycle(held);
    q.timer(1, 8, 'tick', 2, 0);
    const timer = q.pop();
    expect(timer).not.toBe(held);
    q.requeue(held);
    const again = q.pop();
    expect(again).toBe(held);
    expect([again.t, again.held]).toEqual([8, false]);
    (again.action as () => void)();
    expect(calls).toEqual([3]);
  });
});
