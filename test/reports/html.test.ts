// Proves the HTML report is deterministic, self-contained (no network URLs, script pinned by a CSP
// hash) and escapes all trace text, that a fuzz capsule's report replays by capsule and lists the
// capsule's steps as the repro, and that the model derives lanes, bands, state and the causal past
// of a violation correctly from a trace.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderHtml, writeHtmlReport } from '../../reports/html.js';
import { buildModel, causalFrontier } from '../../reports/model.js';
import { escapeHtml, jsonForScript } from '../../reports/escape.js';
import { writeHostileTrace, XSS_IMG, XSS_SCRIPT } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-html-test-'));
const trace = writeHostileTrace(join(dir, 'hostile.trace.ndjson'));

describe('html report', () => {
  test('the same trace gives the same bytes', () => {
    const a = writeHtmlReport(trace, join(dir, 'a.html'), { description: 'twice' });
    const b = writeHtmlReport(trace, join(dir, 'b.html'), { description: 'twice' });
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  test('trace text never appears as markup', () => {
    const html = renderHtml(buildModel(trace), { description: XSS_SCRIPT, repro: { steps: [XSS_IMG], script: XSS_SCRIPT } });
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[a-z]+[^>]*\sonerror=/i);
    expect(html).toContain(escapeHtml(XSS_SCRIPT));
    // Exactly two script elements: the JSON data and the viewer.
    expect(html.match(/<script/g)).toHaveLength(2);
    const data = /<script type="application\/json" id="zabsim-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>&]/);
    expect(JSON.parse(data).strings).toContain(`boot ${XSS_SCRIPT}`);
  });

  test('self-contained: no external URLs, and the CSP pins the inline viewer script by hash', () => {
    const html = renderHtml(buildModel(trace));
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(["']?http/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
  });

  test('a fuzz capsule: replay by capsule, its steps (escaped) as the repro, and a shrink hint', () => {
    const capsule = join(dir, 'seed-3.capsule.json');
    const steps = [`at 10ms: crash leader ${XSS_IMG}`, 'workload: 2 operations (1 writes) from 1 clients'];
    writeFileSync(
      capsule,
      JSON.stringify({
        kind: 'zabsim-fuzz-capsule',
        version: 1,
        fuzzSeed: 3,
        failure: 'quorum-commit',
        detail: `quorum-commit: ${XSS_SCRIPT}`,
        case: { profile: 'quick', mutants: [] },
        steps,
        trace,
      }),
    );
    const html = renderHtml(buildModel(trace), { capsule });
    expect(html).toContain(`<code class="cmd">npx zabsim replay ${escapeHtml(capsule)}</code>`);
    expect(html).toContain(`npx zabsim shrink ${escapeHtml(capsule)}`);
    expect(html).toContain('<ol class="repro-steps">');
    for (const step of steps) expect(html).toContain(`<li>${escapeHtml(step)}</li>`);
    expect(html).toContain(`Failure: quorum-commit: ${escapeHtml(XSS_SCRIPT)}`);
    expect(html).not.toContain('<img');
    // Given as an object (no path), it names the fuzz command that re-runs the seed instead.
    const fromObject = renderHtml(buildModel(trace), { capsule: JSON.parse(readFileSync(capsule, 'utf8')) as object });
    expect(fromObject).toContain('<code class="cmd">npx zabsim fuzz --profile quick --start 3 --seeds 1</code>');
    // A run capsule's own command wins over the one guessed from the trace header.
    expect(renderHtml(buildModel(trace), { capsule: { kind: 'zabsim-capsule', command: 'npx zabsim run x.json --seed 9' } })).toContain(
      '<code class="cmd">npx zabsim run x.json --seed 9</code>',
    );
  });

  test('jsonForScript escapes what could end a script element', () => {
    expect(jsonForScript({ a: '</script><!--\u2028&' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}');
  });
});

describe('report model', () => {
  const model = buildModel(trace);

  test('lanes are servers then clients, labelled s1..sN and cN', () => {
    expect(model.lanes.map((l) => `${l.label}:${l.kind}`)).toEqual(['s1:server', 's2:server', 'c3:client']);
  });

  test('messages, drops, role bands, crash intervals and state', () => {
    expect(model.m.f).toHaveLength(5);
    expect(model.m.k.filter((k) => k === 1)).toHaveLength(1);
    const leader = model.roles[0]?.map((b) => model.strings[b[2]]);
    expect(leader).toEqual(['LOOKING', 'LEADING']);
    expect(model.down[1]).toEqual([[600, 700, 0]]);
    const s1 = model.state[0];
    expect(s1?.cz.at(-1)).toBe(4294967297);
    expect(s1?.ci.at(-1)).toBe(0);
    expect(model.violations).toHaveLength(1);
    expect(model.verdicts).toEqual({ 'quorum-commit': 'violated', liveness: 'ok' });
  });

  test('the causal past follows lanes and delivered messages backwards', () => {
    // The violation at s1, t=500 follows ACK (s2 sent at 400), which follows PROPOSAL (s1 at 250),
    // which follows the client request (c3 sent at 200).
    expect(model.violations[0]?.frontier).toEqual([500, 400, 200]);
    const laneIndex = new Map(model.lanes.map((l, i) => [l.id, i]));
    // Before the ACK arrived, s2 had not influenced s1.
    expect(causalFrontier(model.lanes, laneIndex, model.m, 1, 450)).toEqual([450, -1, 200]);
  });
});
