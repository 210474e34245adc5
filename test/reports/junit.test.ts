// Proves the JUnit XML is well-formed and escaped (markup, quotes, control characters, lone
// surrogates), counts tests and failures right, merges several violations into one <failure>, and
// puts time in seconds; an undecided ("unknown") verdict is <skipped>, neither pass nor fail.
import { describe, expect, test } from 'vitest';
import { escapeXml } from '../../reports/escape.js';
import { junitForCheck, junitForFuzz, junitForRun, junitXml, mergeViolations } from '../../reports/junit.js';

describe('escapeXml', () => {
  test('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
  test('replaces characters XML 1.0 cannot carry, keeps tab, newline and valid pairs', () => {
    expect(escapeXml('a\u0000b\u0007c\td\ne\uFFFE')).toBe('a\uFFFDb\uFFFDc\td\ne\uFFFD');
    expect(escapeXml('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeXml('\uD83D\uDE00')).toBe('\uD83D\uDE00');
  });
});

describe('junitXml', () => {
  test('one testcase per checker for a run; violations merged into one failure', () => {
    const suite = junitForRun(
      {
        scenario: 'stale<ack>',
        seed: 'p"1',
        verdicts: { leadership: 'ok', 'quorum-commit': 'violated', liveness: 'unknown' },
        violations: [
          { checker: 'quorum-commit', atUs: 4_599_009, node: 5, message: '1:72 committed, but only {3,5} hold it <durably>' },
          { checker: 'quorum-commit', atUs: 5_000_000, node: 4, message: 'again & again' },
        ],
        liveness: 'ok',
        exitCode: 1,
      },
      2.5,
      { trace: 'out/t.ndjson', html: 'out/r.html', replay: 'npx zabsim run x --seed "p1"' },
    );
    const xml = junitXml([suite]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="zabsim" tests="3" failures="1" errors="0" time="2.500">')).toBe(true);
    expect(xml).toContain('<testsuite name="run:stale&lt;ack&gt;" tests="3" failures="1" errors="0" skipped="1" time="2.500">');
    expect(xml).toContain('<testcase classname="run.stale&lt;ack&gt;.seed=p&quot;1" name="leadership" time="0.000"/>');
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain('message="quorum-commit violated at t=4.599s: 1:72 committed, but only {3,5} hold it &lt;durably&gt; (+1 more)" type="quorum-commit"');
    expect(xml).toContain('again &amp; again');
    expect(xml).toContain('report: out/r.html');
    expect(xml).toContain('<skipped message="liveness: verdict unknown"/>');
    expect(xml).not.toMatch(/<durably>|"p1"/);
  });

  test('one testcase per seed for fuzz, named seed=<seed>, time in seconds', () => {
    const suite = junitForFuzz(
      'property',
      [
        { seed: '1', timeSec: 0.25, violations: [], exitCode: 0 },
        { seed: '2', timeSec: 1.5, violations: [{ checker: 'integrity', message: 'x' }], exitCode: 1, artefacts: { trace: 't2' } },
        { seed: '3', timeSec: 0.1, violations: [], exitCode: 3, liveness: 'no quorum' },
      ],
      { servers: '5' },
    );
    const xml = junitXml([suite]);
    expect(xml).toContain('<testsuite name="fuzz:property" tests="3" failures="2" errors="0" skipped="0" time="1.850">');
    expect(xml).toContain('<property name="servers" value="5"/>');
    expect(xml).toContain('<testcase classname="fuzz.property" name="seed=1" time="0.250"/>');
    expect(xml).toContain('<failure message="liveness: no quorum" type="liveness">');
  });

  test('check results: linearizable passes, a violation fails with the witness', () => {
    const ok = junitXml([junitForCheck({ file: 'h.json', format: 'porcupine-kv', model: 'kv', verdict: 'ok', ms: 12, ops: 10 })]);
    expect(ok).toContain('<testcase classname="check.kv" name="h.json" time="0.012"/>');
    const bad = junitXml([junitForCheck({ file: 'h.json', format: 'ndjson', model: 'zk', verdict: 'violated', ms: 1500, ops: 3, witness: { text: 'read <stale>' } })]);
    expect(bad).toContain('failures="1"');
    expect(bad).toContain('>read &lt;stale&gt;</failure>');
  });

  test('mergeViolations of nothing is no failure', () => {
    expect(mergeViolations([])).toBeUndefined();
  });
});
