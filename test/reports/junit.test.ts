// Proves the JUnit XML is well-formed and escaped (markup, quotes, control characters, lone
// surrogates), counts tests and failures right, merges several violations into one <failure>, and
// puts time in seconds; an undecided ("unknown") verdict is <skipped>, neither pass nor fail, as is a
// mutant sweep's seed that fails without the mutant too; a narrated scenario fails exactly when its
// run exits nonzero.
import { describe, expect, test } from 'vitest';
import { escapeXml } from '../../reports/escape.js';
import { junitForCheck, junitForFuzz, junitForRun, junitForScenario, junitXml, mergeViolations } from '../../reports/junit.js';
import { findAll, parseXml } from './xml.js';

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
    expect(xml).toContain(
      'message="quorum-commit violated at t=4.599s: 1:72 committed, but only {3,5} hold it &lt;durably&gt; (+1 more)" type="quorum-commit"',
    );
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
    const bad = junitXml([
      junitForCheck({ file: 'h.json', format: 'ndjson', model: 'zk', verdict: 'violated', ms: 1500, ops: 3, witness: { text: 'read <stale>' } }),
    ]);
    expect(bad).toContain('failures="1"');
    expect(bad).toContain('>read &lt;stale&gt;</failure>');
  });

  test('hostile text still parses as XML, and reads back unchanged', () => {
    const nasty = `<script>"x"</script> & \u0007 ]]> '`;
    const xml = junitXml([
      junitForFuzz(nasty, [{ seed: nasty, timeSec: 1, violations: [{ checker: nasty, message: nasty }], exitCode: 1, artefacts: { capsule: nasty } }]),
    ]);
    const root = parseXml(xml);
    const failure = findAll(root, 'failure')[0];
    expect(failure?.attrs['type']).toBe(nasty.replace('\u0007', '\uFFFD'));
    expect(failure?.text).toContain(`capsule: ${nasty.replace('\u0007', '\uFFFD')}`);
    expect(findAll(root, 'testcase')[0]?.attrs['name']).toBe(`seed=${nasty.replace('\u0007', '\uFFFD')}`);
    expect(() => parseXml('<a><b></a>')).toThrow(/expected <\/b>/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/entity/);
  });

  test('a seed that fails without the mutant too is skipped, not failed, and keeps its artefacts', () => {
    const suite = junitForFuzz('quick-ZK-1154', [
      { seed: '4', timeSec: 0, violations: [], exitCode: 0, skipped: 'fails without the mutant too', artefacts: { capsule: 'c.json' } },
    ]);
    const root = parseXml(junitXml([suite]));
    expect(findAll(root, 'testsuite')[0]?.attrs).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
    expect(findAll(root, 'skipped')[0]?.attrs['message']).toBe('fails without the mutant too');
    expect(findAll(root, 'system-out')[0]?.text).toBe('capsule: c.json');
  });

  test('a narrated scenario: failed expectations fail it; with all held, a violation the run shows fails it too', () => {
    const base = { scenario: 's', file: 'scenarios/x/s.txt', expectations: 3, commandErrors: 0, verdicts: { 'quorum-commit': 'ok', integrity: 'violated' } };
    const held = parseXml(junitXml([junitForScenario({ ...base, errors: [], verdicts: { integrity: 'ok' }, exitCode: 0 }, 0.5)]));
    expect(findAll(held, 'testcase')[0]?.children.map((c) => c.name)).toEqual(['system-out']);
    const failed = parseXml(junitXml([junitForScenario({ ...base, errors: ['line 7: EXPECTATION FAILED <x>'], exitCode: 1 }, 0.5, { trace: 't.ndjson' })]));
    expect(findAll(failed, 'failure')[0]?.attrs).toMatchObject({ type: 'expectation', message: '1 of 3 expectations failed: line 7: EXPECTATION FAILED <x>' });
    expect(findAll(failed, 'failure')[0]?.text).toContain('trace: t.ndjson');
    const shows = parseXml(junitXml([junitForScenario({ ...base, errors: [], exitCode: 1 }, 0.5)]));
    expect(findAll(shows, 'failure')[0]?.attrs['type']).toBe('integrity');
    const broken = parseXml(junitXml([junitForScenario({ ...base, errors: ['line 2: unknown command'], commandErrors: 1, exitCode: 2 }, 0.5)]));
    expect(findAll(broken, 'error')[0]?.attrs['type']).toBe('scenario-error');
    expect(findAll(broken, 'testsuites')[0]?.attrs).toMatchObject({ failures: '0', errors: '1' });
  });

  test('mergeViolations of nothing is no failure', () => {
    expect(mergeViolations([])).toBeUndefined();
  });
});
