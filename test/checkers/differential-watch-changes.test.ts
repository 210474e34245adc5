// Proves that watch-order ties an event to a change that can have made it, in shapes the 100,000 sweep
// found accepted: a write of a session that ended at a known zxid is below that end, and a setData whose
// outcome is unknown but whose new version the watch-setting read already showed is in that read's state.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';

function judge(lines: readonly string[]): { watchOrder: string | undefined; possible: boolean | 'too-large' } {
  const h = parseNdjsonHistory(lines.join('\n') + '\n', 'case.ndjson');
  return { watchOrder: checkZkHistory(h).results.find((r) => r.name === 'watch-order')?.verdict, possible: referenceCheck(h).possible };
}

const deleteAfterOwnEnd: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1765326541,"model":"zk"}',
  '{"kind":"op","id":4,"client":1,"session":1002,"server":2,"op":{"type":"create","path":"/a","data":"v3","mode":"persistent"},"invokeUs":4959,"completeUs":5845,"outcome":"ok","result":{"rc":"ok","path":"/a"},"zxid":4294967300}',
  '{"kind":"op","id":5,"client":1,"session":1003,"server":3,"op":{"type":"delete","path":"/a","version":-1},"invokeUs":6923,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":7,"client":1,"session":1004,"server":1,"op":{"type":"exists","path":"/a","watch":true},"invokeUs":8878,"completeUs":9034,"outcome":"ok","result":{"rc":"ok","version":0,"exists":true},"zxid":null}',
  '{"kind":"session","client":null,"session":1003,"server":null,"state":"ENDED","atUs":8002,"zxid":4294967302}',
  '{"kind":"watch","client":1,"session":1004,"server":2,"type":"NodeDeleted","path":"/a","zxid":4294967303,"atUs":10659}',
];

const deleteAfterOwnEndReconnected: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1765326541,"model":"zk"}',
  '{"kind":"op","id":0,"client":1,"session":1001,"server":1,"op":{"type":"create","path":"/a/c","data":"v1","mode":"ephemeral"},"invokeUs":749,"completeUs":1586,"outcome":"ok","result":{"rc":"noNode"},"zxid":4294967297,"completeSeq":1}',
  '{"kind":"op","id":1,"client":1,"session":1001,"server":1,"op":{"type":"exists","path":"/a/c"},"invokeUs":1749,"completeUs":2033,"outcome":"ok","result":{"rc":"ok","exists":false},"zxid":null,"readZxid":4294967297,"completeSeq":2}',
  '{"kind":"op","id":2,"client":1,"session":1001,"server":1,"op":{"type":"create","path":"/a/s-","data":"v2","mode":"ephemeralSequential"},"invokeUs":2080,"completeUs":3683,"outcome":"ok","result":{"rc":"noNode"},"zxid":4294967298,"completeSeq":3}',
  '{"kind":"op","id":3,"client":1,"session":1001,"server":1,"op":{"type":"closeSession"},"invokeUs":3880,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":4,"client":1,"session":1002,"server":2,"op":{"type":"create","path":"/a","data":"v3","mode":"persistent"},"invokeUs":4959,"completeUs":5845,"outcome":"ok","result":{"rc":"ok","path":"/a"},"zxid":4294967300,"completeSeq":6}',
  '{"kind":"op","id":5,"client":1,"session":1003,"server":3,"op":{"type":"delete","path":"/a","version":-1},"invokeUs":6923,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":6,"client":1,"session":1003,"server":1,"op":{"type":"closeSession"},"invokeUs":7549,"completeUs":8750,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967302,"completeSeq":11}',
  '{"kind":"op","id":7,"client":1,"session":1004,"server":1,"op":{"type":"exists","path":"/a","watch":true},"invokeUs":8878,"completeUs":9034,"outcome":"ok","result":{"rc":"ok","exists":true,"version":0},"zxid":null,"readZxid":4294967302,"completeSeq":13}',
  '{"kind":"op","id":8,"client":1,"session":1004,"server":2,"op":{"type":"setData","path":"/a","data":"v4","version":-1},"invokeUs":9334,"completeUs":10968,"outcome":"ok","result":{"rc":"ok","version":1},"zxid":null,"completeSeq":16}',
  '{"kind":"session","client":1,"session":1001,"server":1,"state":"CONNECTED","atUs":727,"seq":0}',
  '{"kind":"session","client":null,"session":1001,"server":null,"state":"ENDED","atUs":4086,"zxid":4294967299,"seq":4}',
  '{"kind":"session","client":1,"session":1002,"server":2,"state":"CONNECTED","atUs":4397,"seq":5}',
  '{"kind":"session","client":null,"session":1002,"server":null,"state":"ENDED","atUs":6253,"zxid":4294967301,"seq":7}',
  '{"kind":"session","client":1,"session":1003,"server":3,"state":"CONNECTED","atUs":6869,"seq":8}',
  '{"kind":"session","client":1,"session":1003,"server":1,"state":"CONNECTED","atUs":7523,"seq":9}',
  '{"kind":"session","client":null,"session":1003,"server":null,"state":"ENDED","atUs":8002,"zxid":4294967302,"seq":10}',
  '{"kind":"session","client":1,"session":1004,"server":1,"state":"CONNECTED","atUs":8757,"seq":12}',
  '{"kind":"session","client":1,"session":1004,"server":2,"state":"CONNECTED","atUs":9266,"seq":14}',
  '{"kind":"watch","client":1,"session":1004,"server":2,"type":"NodeDeleted","path":"/a","zxid":4294967303,"atUs":10659,"seq":15}',
];

const setDataInReadState: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":1120296614,"model":"zk"}',
  '{"kind":"op","id":2,"client":3,"session":1003,"server":3,"op":{"type":"create","path":"/a","data":"v1","mode":"persistent"},"invokeUs":2554,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"op","id":5,"client":1,"session":1004,"server":2,"op":{"type":"exists","path":"/a","watch":true},"invokeUs":5010,"completeUs":8268,"outcome":"ok","result":{"rc":"ok","version":1,"exists":true},"zxid":null}',
  '{"kind":"op","id":6,"client":3,"session":1003,"server":2,"op":{"type":"setData","path":"/a","data":"v3","version":0},"invokeUs":7681,"completeUs":null,"outcome":"info","result":null,"zxid":null}',
  '{"kind":"watch","client":1,"session":1004,"server":2,"type":"NodeDataChanged","path":"/a","zxid":4294967300,"atUs":9960}',
];

describe('watch events no change of the history explains', () => {
  it("a NodeDeleted above the zxid of the deleting session's recorded end (seed 1765326541)", () => {
    expect(judge(deleteAfterOwnEnd)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same NodeDeleted below that end is explained by the delete', () => {
    const below = deleteAfterOwnEnd.map((l) => (l.includes('"kind":"watch"') ? l.replace('"zxid":4294967303', '"zxid":4294967301') : l));
    expect(judge(below)).toEqual({ watchOrder: 'ok', possible: true });
  });

  it('a NodeDataChanged whose only setData made the version the watch-setting read showed (seed 1120296614)', () => {
    expect(judge(setDataInReadState)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same event when the read showed the version before that setData', () => {
    const before = setDataInReadState.map((l) => (l.includes('"type":"exists"') ? l.replace('"version":1', '"version":0') : l));
    expect(judge(before)).toEqual({ watchOrder: 'ok', possible: true });
  });

  it('the same after a reconnect: the delete is below the end, so in the state the watch-setting read showed (the full case)', () => {
    expect(judge(deleteAfterOwnEndReconnected)).toEqual({ watchOrder: 'violated', possible: false });
  });
});

// Round 5: a write without a zxid that a read's mzxid pins (mzxid-pins.ts) is judged at that zxid by watch-order too.
const pinnedSetData: readonly string[] = [
  '{"kind":"header","version":1,"generator":"test/reference/generate.ts","seed":2410682733,"model":"zk"}',
  '{"kind":"op","id":2,"client":1,"session":1001,"server":2,"op":{"type":"create","path":"/a","data":"v1","mode":"persistent"},"invokeUs":2317,"completeUs":3706,"outcome":"ok","result":{"rc":"ok","path":"/a"},"zxid":null}',
  '{"kind":"op","id":4,"client":1,"session":1001,"server":2,"op":{"type":"setData","path":"/a","data":"v2","version":0},"invokeUs":3870,"completeUs":4838,"outcome":"ok","result":{"rc":"ok","version":1},"zxid":null}',
  '{"kind":"op","id":5,"client":2,"session":1004,"server":1,"op":{"type":"getData","path":"/a","watch":true},"invokeUs":5993,"completeUs":6590,"outcome":"ok","result":{"rc":"ok","data":"v2","version":1,"mzxid":4294967298,"ephemeralOwner":0},"zxid":null}',
  '{"kind":"op","id":9,"client":1,"session":1003,"server":2,"op":{"type":"delete","path":"/a","version":-1},"invokeUs":9956,"completeUs":10429,"outcome":"ok","result":{"rc":"ok"},"zxid":null}',
  '{"kind":"op","id":10,"client":1,"session":1003,"server":2,"op":{"type":"create","path":"/a","data":"v3","mode":"persistent"},"invokeUs":10676,"completeUs":11502,"outcome":"ok","result":{"rc":"ok","path":"/a"},"zxid":4294967302}',
  '{"kind":"watch","client":2,"session":1004,"server":1,"type":"NodeDataChanged","path":"/a","zxid":4294967301,"atUs":10036}',
];

describe("watch-order with the zxids reads' mzxids pin", () => {
  it('NodeDataChanged at 1:5 for a data watch whose read shows the only setData, pinned at 1:2, is flagged (seed 2410682733)', () => {
    expect(judge(pinnedSetData)).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same watch given NodeDeleted by the later delete passes', () => {
    const deleted = pinnedSetData.map((l) => l.replace('"type":"NodeDataChanged","path":"/a","zxid":4294967301', '"type":"NodeDeleted","path":"/a","zxid":-1'));
    expect(judge(deleted)).toEqual({ watchOrder: 'ok', possible: true });
  });
});
