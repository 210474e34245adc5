// Proves that watch-order flags a reply that reflects a change firing a watch the session still holds when
// no event came first, in shapes the 100,000 sweep found accepted: a delete of a child the getChildren
// listed, a session end known by a close without a zxid, and a create of unknown outcome that a later read
// shows at version 0 (its mzxid is the create's zxid); and that it accepts them once the event came.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';

function judge(lines: readonly string[]): { watchOrder: string | undefined; possible: boolean | 'too-large' } {
  const h = parseNdjsonHistory(lines.join('\n') + '\n', 'case.ndjson');
  return { watchOrder: checkZkHistory(h).results.find((r) => r.name === 'watch-order')?.verdict, possible: referenceCheck(h).possible };
}

const listedChildDeleted: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1032890943,"model":"zk"}',
  '{"kind":"op","id":0,"client":1,"session":1001,"server":1,"op":{"type":"create","path":"/b","data":"v1","mode":"persistent"},"invokeUs":350,"completeUs":1776,"outcome":"ok","result":{"rc":"ok","path":"/b"},"zxid":4294967297}',
  '{"kind":"op","id":5,"client":1,"session":1002,"server":1,"op":{"type":"delete","path":"/b","version":-1},"invokeUs":5313,"completeUs":6612,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967299}',
  '{"kind":"op","id":6,"client":1,"session":1002,"server":1,"op":{"type":"create","path":"/a","data":"v2","mode":"persistent"},"invokeUs":6676,"completeUs":7560,"outcome":"ok","result":{"rc":"ok","path":"/a"},"zxid":null}',
  '{"kind":"op","id":8,"client":1,"session":1002,"server":1,"op":{"type":"delete","path":"/a","version":-1},"invokeUs":8345,"completeUs":9317,"outcome":"ok","result":{"rc":"ok"},"zxid":null}',
  '{"kind":"op","id":10,"client":1,"session":1003,"server":3,"op":{"type":"getChildren","path":"/","watch":true},"invokeUs":11982,"completeUs":12040,"outcome":"ok","result":{"rc":"ok","children":["b","zookeeper"]},"zxid":null}',
  '{"kind":"op","id":11,"client":1,"session":1003,"server":3,"op":{"type":"closeSession"},"invokeUs":12319,"completeUs":13083,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967303}',
];

const endByCloseWithoutZxid: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1473964694,"model":"zk"}',
  '{"kind":"op","id":4,"client":1,"session":1003,"server":2,"op":{"type":"create","path":"/b","data":"v3","mode":"ephemeral"},"invokeUs":4144,"completeUs":7350,"outcome":"ok","result":{"rc":"ok","path":"/b"},"zxid":4294967299}',
  '{"kind":"op","id":6,"client":2,"session":1002,"server":2,"op":{"type":"getData","path":"/b","watch":true},"invokeUs":6654,"completeUs":9323,"outcome":"ok","result":{"rc":"ok","data":"v3","version":0,"mzxid":4294967299,"ephemeralOwner":1003},"zxid":null}',
  '{"kind":"op","id":7,"client":1,"session":1003,"server":2,"op":{"type":"closeSession"},"invokeUs":7607,"completeUs":8296,"outcome":"ok","result":{"rc":"ok"},"zxid":null}',
  '{"kind":"op","id":10,"client":2,"session":1002,"server":2,"op":{"type":"closeSession"},"invokeUs":10526,"completeUs":11815,"outcome":"ok","result":{"rc":"ok"},"zxid":null}',
];

const provenCreate: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":2409591153,"model":"zk"}',
  '{"kind":"op","id":0,"client":1,"session":1001,"server":3,"op":{"type":"getChildren","path":"/","watch":true},"invokeUs":995,"completeUs":1638,"outcome":"ok","result":{"rc":"ok","children":["zookeeper"]},"zxid":null}',
  '{"kind":"op","id":1,"client":1,"session":1001,"server":3,"op":{"type":"create","path":"/b","data":"v1","mode":"persistent"},"invokeUs":1802,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":2,"client":1,"session":1001,"server":2,"op":{"type":"exists","path":"/b"},"invokeUs":2909,"completeUs":3692,"outcome":"ok","result":{"rc":"ok","version":0,"exists":true,"mzxid":4294967297,"ephemeralOwner":0},"zxid":null}',
];

const provenCreateTwoWatches: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":2024696665,"model":"zk"}',
  '{"kind":"op","id":5,"client":2,"session":1003,"server":2,"op":{"type":"getChildren","path":"/","watch":true},"invokeUs":5228,"completeUs":6173,"outcome":"ok","result":{"rc":"ok","children":["zookeeper"]},"zxid":null}',
  '{"kind":"op","id":7,"client":2,"session":1003,"server":2,"op":{"type":"exists","path":"/a","watch":true},"invokeUs":7895,"completeUs":8597,"outcome":"ok","result":{"rc":"ok","exists":false},"zxid":null}',
  '{"kind":"op","id":8,"client":2,"session":1003,"server":1,"op":{"type":"create","path":"/a","data":"v6","mode":"persistent"},"invokeUs":8813,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":9,"client":2,"session":1003,"server":1,"op":{"type":"exists","path":"/a"},"invokeUs":9902,"completeUs":10039,"outcome":"ok","result":{"rc":"ok","version":0,"exists":true,"mzxid":4294967301,"ephemeralOwner":0},"zxid":null}',
  '{"kind":"watch","client":2,"session":1003,"server":1,"type":"NodeCreated","path":"/a","zxid":4294967301,"atUs":9370}',
];

const endAfterOwnDelete: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":3130676577,"model":"zk"}',
  '{"kind":"op","id":1,"client":2,"session":1002,"server":1,"op":{"type":"create","path":"/b","data":"v1","mode":"ephemeral"},"invokeUs":1838,"completeUs":2903,"outcome":"ok","result":{"rc":"ok","path":"/b"},"zxid":null}',
  '{"kind":"op","id":2,"client":1,"session":1001,"server":1,"op":{"type":"exists","path":"/b","watch":true},"invokeUs":2903,"completeUs":4251,"outcome":"ok","result":{"rc":"ok","version":0,"exists":true},"zxid":null}',
  '{"kind":"op","id":5,"client":2,"session":1002,"server":1,"op":{"type":"delete","path":"/b","version":0},"invokeUs":5476,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":7,"client":2,"session":1002,"server":1,"op":{"type":"closeSession"},"invokeUs":6419,"completeUs":7711,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967299}',
  '{"kind":"op","id":8,"client":1,"session":1001,"server":1,"op":{"type":"create","path":"/a/c","data":"v4","mode":"persistent"},"invokeUs":8944,"completeUs":9571,"outcome":"ok","result":{"rc":"noNode"},"zxid":4294967300}',
];

const watch = (session: number, client: number, type: string, path: string, atUs: number): string =>
  JSON.stringify({ kind: 'watch', client, session, server: 3, type, path, zxid: -1, atUs });

describe('lost watch events the sweep found accepted', () => {
  it('a close reply reflecting the delete of a child the watching getChildren listed, before any event (seed 1032890943)', () => {
    expect(judge(listedChildDeleted)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeChildrenChanged event before that reply', () => {
    expect(judge([...listedChildDeleted, watch(1003, 1, 'NodeChildrenChanged', '/', 12100)])).toEqual({ watchOrder: 'ok', possible: true });
  });

  it("a close sent after another session's close (no zxid) returned, with the watch on its ephemeral still held (seed 1473964694)", () => {
    expect(judge(endByCloseWithoutZxid)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeDeleted event before that reply', () => {
    expect(judge([...endByCloseWithoutZxid, watch(1002, 2, 'NodeDeleted', '/b', 9500)])).toEqual({ watchOrder: 'ok', possible: true });
  });

  it('a read showing a node an info create made, before the event of the child watch that create fired (seed 2409591153)', () => {
    expect(judge(provenCreate)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeChildrenChanged event before that read', () => {
    expect(judge([...provenCreate, watch(1001, 1, 'NodeChildrenChanged', '/', 3000)])).toEqual({ watchOrder: 'ok', possible: true });
  });

  it('the same with an exists watch on the node too, whose event did come (seed 2024696665)', () => {
    expect(judge(provenCreateTwoWatches)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it("a reply sent after a session's close, whose ephemeral it or its own info delete removed, before the watch's event (seed 3130676577)", () => {
    expect(judge(endAfterOwnDelete)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeDeleted event before that reply', () => {
    expect(judge([...endAfterOwnDelete, watch(1001, 1, 'NodeDeleted', '/b', 8000)])).toEqual({ watchOrder: 'ok', possible: true });
  });
});

// Round 5: a child watch on / set by a listing that named a, then a read of /a on the same connection finding it gone.
const listedChildGone: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1147354611,"model":"zk"}',
  '{"kind":"op","id":4,"client":2,"session":1002,"server":1,"op":{"type":"multi","ops":[{"type":"create","path":"/a","data":"v2","mode":"persistent"},{"type":"create","path":"/a/c","data":"v3","mode":"ephemeral"}]},"invokeUs":4987,"completeUs":5717,"outcome":"ok","result":{"rc":"ok","results":[{"rc":"ok","path":"/a"},{"rc":"ok","path":"/a/c"}]},"zxid":4294967298}',
  '{"kind":"op","id":6,"client":1,"session":1001,"server":1,"op":{"type":"getChildren","path":"/","watch":true},"invokeUs":6737,"completeUs":7642,"outcome":"ok","result":{"rc":"ok","children":["a","zookeeper"]},"zxid":null}',
  '{"kind":"op","id":7,"client":3,"session":1003,"server":2,"op":{"type":"delete","path":"/a","version":-1},"invokeUs":7591,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":10,"client":1,"session":1001,"server":2,"op":{"type":"exists","path":"/a"},"invokeUs":10936,"completeUs":11068,"outcome":"ok","result":{"rc":"ok","exists":false},"zxid":null}',
];

describe('a child watch owes its event before a read of a child that shows it deleted or created since the listing', () => {
  it('exists /a false after getChildren / listed a, with no NodeChildrenChanged first, is flagged (seed 1147354611)', () => {
    expect(judge(listedChildGone)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeChildrenChanged event before that read passes', () => {
    expect(judge([...listedChildGone, watch(1001, 1, 'NodeChildrenChanged', '/', 10000)])).toEqual({ watchOrder: 'ok', possible: true });
  });
});

// Round 5: a lost ephemeral create whose node a read shows owned by its session; that session's recorded end deletes it.
const lostEphemeralEnded: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":227100917,"model":"zk"}',
  '{"kind":"op","id":2,"client":1,"session":1001,"server":2,"op":{"type":"create","path":"/b","data":"v1","mode":"ephemeral"},"invokeUs":2966,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":4,"client":2,"session":1002,"server":2,"op":{"type":"exists","path":"/b","watch":true},"invokeUs":4971,"completeUs":6710,"outcome":"ok","result":{"rc":"ok","exists":true,"version":0,"mzxid":4294967297,"ephemeralOwner":1001},"zxid":null}',
  '{"kind":"op","id":5,"client":2,"session":1002,"server":2,"op":{"type":"closeSession"},"invokeUs":6883,"completeUs":7913,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967300}',
  '{"kind":"session","client":null,"session":1001,"server":null,"state":"ENDED","atUs":6215,"zxid":4294967299}',
];

describe("an ephemeral made by a create whose reply was lost, shown owned by its session, is deleted by that session's end", () => {
  it('a close reply of the watching session after that end, with no NodeDeleted first, is flagged (seed 227100917)', () => {
    expect(judge(lostEphemeralEnded)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeDeleted event before that reply passes', () => {
    expect(judge([...lostEphemeralEnded, watch(1002, 2, 'NodeDeleted', '/b', 6800)])).toEqual({ watchOrder: 'ok', possible: true });
  });
});

// Round 5: a stale listing of / without b, then the session's own setData /b succeeds on the same connection.
const listedThenWritten: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1576156816,"model":"zk"}',
  '{"kind":"op","id":1,"client":1,"session":1001,"server":2,"op":{"type":"create","path":"/b","data":"v1","mode":"persistent"},"invokeUs":1953,"completeUs":2471,"outcome":"ok","result":{"rc":"ok","path":"/b"},"zxid":null}',
  '{"kind":"op","id":5,"client":1,"session":1002,"server":3,"op":{"type":"getChildren","path":"/","watch":true},"invokeUs":6815,"completeUs":7621,"outcome":"ok","result":{"rc":"ok","children":["zookeeper"]},"zxid":null}',
  '{"kind":"op","id":6,"client":1,"session":1002,"server":3,"op":{"type":"setData","path":"/b","data":"v2","version":-1},"invokeUs":7708,"completeUs":8209,"outcome":"ok","result":{"rc":"ok","version":1},"zxid":null}',
  '{"kind":"op","id":7,"client":1,"session":1002,"server":3,"op":{"type":"create","path":"/b","data":"v3","mode":"ephemeral"},"invokeUs":8515,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
];

describe('a write whose result shows a child the listing did not name owes the child watch its event', () => {
  it('setData /b ok after getChildren / without b, with no NodeChildrenChanged first, is flagged (seed 1576156816)', () => {
    expect(judge(listedThenWritten)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same history with the NodeChildrenChanged event before that reply passes', () => {
    expect(judge([...listedThenWritten, watch(1002, 1, 'NodeChildrenChanged', '/', 8000)])).toEqual({ watchOrder: 'ok', possible: true });
  });
});
