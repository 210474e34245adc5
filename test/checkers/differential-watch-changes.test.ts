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
});
