// Proves watch-order holds a watch-setting getData to the data it shows: the one write that can have left
// that data is in the read's state and cannot be the change its watch reports, even when the path's several
// lives leave the version alone inconclusive and no zxid orders anything (as in the real recording s313539).
import { describe, expect, it } from 'vitest';
import { both as judge, event, op } from './differential-records.js';

const both = (records: readonly object[]) => judge(records, 'data-writer.ndjson');

/**
 * 1001 creates /p ("a"), 1002 sets it to "b" (version 1), 1001 reads "b" with a watch and gets NodeDataChanged
 * /p; /p is deleted and created again later, so a version-1 node could belong to another life. `second` adds
 * 1003's setData of the same "b", sent before the event, with no reply: it may come after the read.
 */
function history(second: boolean): object[] {
  return [
    op(0, 1001, { type: 'create', path: '/p', data: 'a', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/p' }, null),
    op(1, 1002, { type: 'setData', path: '/p', data: 'b', version: -1 }, 30, 40, { rc: 'ok', version: 1 }, null),
    op(2, 1001, { type: 'getData', path: '/p', watch: true }, 50, 60, { rc: 'ok', data: 'b', version: 1 }, null),
    ...(second ? [op(3, 1003, { type: 'setData', path: '/p', data: 'b', version: -1 }, 65, null, null, null)] : []),
    event(1001, 'NodeDataChanged', '/p', 70),
    op(4, 1002, { type: 'delete', path: '/p', version: -1 }, 100, 110, { rc: 'ok' }, null),
    op(5, 1002, { type: 'create', path: '/p', data: 'c', mode: 'persistent' }, 120, 130, { rc: 'ok', path: '/p' }, null),
  ];
}

describe('a watch-setting read and the one write that left the data it shows', () => {
  it('that write is in the read state: nothing else explains the event', () => {
    // watch-order had let 1002's setData explain the event (the version check needs a single life of /p).
    expect(both(history(false))).toEqual({ zabsim: 'violated', possible: false });
  });
  it('a second write of the same data, unanswered, may come after the read and fire the watch', () => {
    expect(both(history(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
