// Proves that malformed scenario files are refused before they run, each with one message naming
// the file, the line and what was expected there (missing header fields, a name or topic that does
// not match the path, unknown verbs, a story that does not start with `cluster`, no expected
// outcome, stray separators), and that narration attaches to the stanza just below it.
import { describe, expect, test } from 'vitest';
import { narrationOf, parseDatadriven, ScenarioFormatError } from '../../sim/script/datadriven.js';
import { parseScenario } from '../../sim/catalogue/catalogue.js';
import { runZabScript } from '../../sim/script/script.js';

const HEADER = '# name: demo\n# topic: election\n# description: a demo\n# tags: a, b\n';
const BODY = 'cluster voters=3 seed=1\n\ncheck expect=ok\n';

function errorOf(text: string, file = 'scenarios/election/demo.txt'): string {
  try {
    parseScenario(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a format error');
}

describe('scenario file errors', () => {
  test('a well-formed file parses, with its header and tags', () => {
    const { header } = parseScenario(HEADER + BODY, 'scenarios/election/demo.txt');
    expect(header).toEqual({ name: 'demo', topic: 'election', description: 'a demo', tags: ['a', 'b'], see: '' });
  });

  test.each([
    ['missing description', '# name: demo\n# topic: election\n' + BODY, "scenarios/election/demo.txt:1: missing header field '# description: ...'"],
    ['name does not match the file', HEADER.replace('name: demo', 'name: other') + BODY, "scenarios/election/demo.txt:1: name 'other' does not match the file: expected 'demo'"],
    ['topic does not match the directory', HEADER.replace('topic: election', 'topic: sync') + BODY, "scenarios/election/demo.txt:2: topic 'sync' does not match the directory: expected 'election'"],
    ['unknown verb', HEADER + 'cluster voters=3 seed=1\n\nelekt 3\n\ncheck expect=ok\n', "scenarios/election/demo.txt:7: unknown command 'elekt': expected one of cluster,"],
    ['first command is not cluster', HEADER + 'run ms=10\n\ncheck expect=ok\n', "scenarios/election/demo.txt:5: the first command is 'run': expected 'cluster voters=N seed=S ...'"],
    ['no expected outcome', HEADER + 'cluster voters=3 seed=1\n\ncheck\n', "scenarios/election/demo.txt:7: no expected outcome: expected at least one 'check expect=...' or 'expect FACT ...' stanza"],
    ['a separator without a command', HEADER + '----\n' + BODY, "scenarios/election/demo.txt:5: '----' without a command: expected a command line above it"],
    ['an argument given twice', HEADER + 'cluster voters=3 voters=5 seed=1\n\ncheck expect=ok\n', 'scenarios/election/demo.txt:5: argument voters given twice: expected VERB'],
    ['an unclosed group', HEADER + BODY + '\npartition {1 2\n', 'scenarios/election/demo.txt:9: unclosed group {1: expected VERB'],
    ['a header field after the first command', HEADER + BODY + '\n# tags: late\n', "scenarios/election/demo.txt:9: header field 'tags:' after the first command"],
  ])('%s', (_name, text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  test('runtime command errors name the file and line, and what the verb expected', () => {
    const r = runZabScript(HEADER + 'cluster voters=3 seed=1\n\nexpect value x\n\nsession open a\n', { file: 'scenarios/election/demo.txt' });
    expect(r.errors).toEqual([
      'scenarios/election/demo.txt:7: expect value x: expected: expect value KEY VALUE|none [on=all|1,2]',
      "scenarios/election/demo.txt:9: session open a: 'session' needs a ZooKeeper ensemble: cluster ... service=zk",
    ]);
    expect(r.commandErrors).toBe(2);
  });

  test('a false fact fails the run with the fact and what was found', () => {
    const r = runZabScript(HEADER + 'cluster voters=3 seed=1\n\nrun until=all-broadcast\n\nexpect leader 1\n', { file: 'f.txt' });
    expect(r.errors).toEqual(['f.txt:9: expected server 1 is the active leader, but it is 3']);
    expect(r.commandErrors).toBe(0);
  });
});

describe('narration', () => {
  test('the comment block right above a command is its narration; a blank line ends a block; header lines are not narration', () => {
    const pieces = parseDatadriven(`${HEADER}# intro line\ncluster voters=3 seed=1\n\n# orphan\n\n# step two\n# more\nrun ms=1\n`);
    const stanzas = pieces.flatMap((p) => (p.kind === 'stanza' ? [p.stanza] : []));
    const n = narrationOf(pieces);
    expect(n.get(stanzas[0] as (typeof stanzas)[number])).toEqual(['intro line']);
    expect(n.get(stanzas[1] as (typeof stanzas)[number])).toEqual(['step two', 'more']);
  });
});
