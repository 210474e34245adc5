// Proves, in Debian's headless Chromium, that the HTML report draws lanes and message arrows, marks
// the violation of a real failing run (the stale-ACK finding) and can slice to its causal past, and
// that markup injected through trace text (notes, messages, znode data) stays inert visible text.
// A fuzz capsule's report (as `zabsim fuzz` writes it) shows the violation and the capsule's steps.
// Without /usr/bin/chromium this test fails, saying how to install it: it never skips.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { writeHtmlReport } from '../../reports/html.js';
import { resolveScenario } from '../../sim/cli/run.js';
import { FileSink } from '../../sim/trace/sink.js';
import { runZab } from '../../sim/zab/run.js';
import { writeCapsuleReport } from '../../sim/cli/fuzz-artefacts.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { writeCapsule } from '../../sim/fuzz/capsule.js';
import { writeHostileTrace, XSS_IMG, XSS_SCRIPT } from './fixtures.js';

const OUT = join('reports', 'out');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-browser-test-'));
let browser: Chromium;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function open(html: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 30_000 });
  return { page, errors };
}

describe('report in headless Chromium', () => {
  test('a failing run: lanes, arrows, the violation marker, and the causal slice', async () => {
    const options = resolveScenario('scenarios/findings/stale-ack-after-trunc.json', 'p20040', undefined, undefined);
    const trace = join(dir, 'stale-ack.trace.ndjson');
    const report = runZab(options, new FileSink(trace));
    expect(report.verdicts['quorum-commit']).toBe('violated');
    const html = writeHtmlReport(trace, join(dir, 'stale-ack.html'), {
      capsule: { kind: 'zabsim-capsule', options, trace, violations: report.violations },
      description: 'stale ACK after TRUNC',
    });
    const { page, errors } = await open(html);
    expect(await page.locator('#lane-head .lh').count()).toBe(9); // 5 servers, 1 observer, 3 clients
    expect(await page.locator('#lane-head .lh b').allTextContents()).toEqual(['s1', 's2', 's3', 's4', 's5', 's6', 'c7', 'c8', 'c9']);
    expect(await page.locator('svg#diagram line.lane-line').count()).toBe(9);
    const arrows = await page.locator('svg#diagram line.msg').count();
    expect(arrows).toBeGreaterThan(10);
    expect(await page.locator('svg#diagram path.violation-mark').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('svg#diagram text.violation-label').first().textContent()).toContain('quorum-commit');
    expect(await page.locator('#state-table tr').count()).toBe(7); // header + 6 servers
    expect(await page.locator('#repro code.cmd').textContent()).toContain('--seed p20040');
    await page.locator('#viewer').screenshot({ path: join(OUT, 'report-failing.png') });

    await page.evaluate('window.__zabsimSlice(true)');
    await page.waitForTimeout(100);
    expect(await page.locator('svg#diagram rect.future').count()).toBeGreaterThan(0);
    const sliced = await page.locator('svg#diagram line.msg').count();
    expect(sliced).toBeGreaterThan(0);
    expect(await page.locator('svg#diagram path.violation-mark').count()).toBeGreaterThanOrEqual(1);
    await page.locator('#viewer').screenshot({ path: join(OUT, 'report-failing-slice.png') });
    expect(errors).toEqual([]);
  });

  test('markup in notes, messages and znode data stays text and never runs', async () => {
    const trace = writeHostileTrace(join(dir, 'hostile.trace.ndjson'));
    const html = writeHtmlReport(trace, join(dir, 'hostile.html'), { repro: { steps: [XSS_IMG] } });
    const { page, errors } = await open(html);
    // Show every event label (client ops carry the znode data).
    await page.evaluate("document.getElementById('scroller').dispatchEvent(new Event('scroll'))");
    await page.waitForTimeout(100);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body script').count()).toBe(2);
    const notes = await page.locator('#notes').textContent();
    expect(notes).toContain(`boot ${XSS_SCRIPT}`);
    const text = await page.locator('body').innerText();
    expect(text).toContain(XSS_SCRIPT);
    expect(text).toContain(XSS_IMG);
    const svgText = await page.locator('svg#diagram').textContent();
    expect(svgText).toContain('<img src=x');
    expect(await page.locator('svg#diagram line.msg:not(.dropped)').count()).toBe(4);
    expect(await page.locator('svg#diagram line.msg.dropped').count()).toBe(1);
    expect(await page.locator('svg#diagram path.cross').count()).toBeGreaterThanOrEqual(1);
    await page.locator('#viewer').screenshot({ path: join(OUT, 'report-hostile.png') });
    expect(errors).toEqual([]);
  });

  test('a failing fuzz capsule: its report marks the violation and lists the capsule steps', async () => {
    const c = caseForSeed('quick', 0, ['commit-without-quorum']);
    const { path: capsule, result } = writeCapsule(c, 0, dir, 'seed-0');
    expect(result.failure).toBe('quorum-commit');
    const html = writeCapsuleReport(capsule);
    expect(html).not.toBeNull();
    const { page, errors } = await open(html as string);
    // A lane per server and observer, per client of the case, and in a service case the fresh
    // session the liveness phase opens.
    expect(await page.locator('#lane-head .lh').count()).toBe(c.servers + c.observers + c.clients + (c.service === undefined ? 0 : 1));
    expect(await page.locator('svg#diagram line.msg').count()).toBeGreaterThan(10);
    expect(await page.locator('svg#diagram path.violation-mark').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('svg#diagram text.violation-label').first().textContent()).toContain('quorum-commit');
    expect(await page.locator('#repro code.cmd').textContent()).toBe(`npx zabsim replay ${capsule}`);
    expect(await page.locator('#repro ol.repro-steps li').count()).toBeGreaterThan(1);
    await page.locator('#viewer').screenshot({ path: join(OUT, 'report-fuzz-capsule.png') });
    expect(errors).toEqual([]);
  });
});
