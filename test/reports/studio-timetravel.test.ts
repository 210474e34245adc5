// Proves the studio's time travel in headless Chromium on split-brain: stepping moves the moment to
// the next thing that happens, and stepping or scrubbing sets the state panel to each server's role
// and epoch and the in-flight list to the messages sent and not yet delivered or dropped, as the
// trace itself says at that moment (worked out here from the raw trace lines, not the viewer's model).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { runStudioInput } from '../../reports/studio/engine.js';
import { writeStudio } from '../../reports/studio/page.js';
import { studioInput } from '../../sim/cli/studio.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-timetravel-'));
let browser: Chromium;
let page: Page;
type Rec = Record<string, unknown>;
let records: Rec[] = [];
const SERVERS = [1, 2, 3, 4, 5];

beforeAll(async () => {
  const input = studioInput('split-brain');
  records = runStudioInput(input)
    .lines.map((l) => JSON.parse(l) as Rec)
    .filter((r) => r['kind'] !== 'header');
  const html = writeStudio(input, join(dir, 'split-brain.html'));
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Each server's role and epoch at time t, from the trace's role observations and crashes. */
function expectedState(t: number): { role: string; epoch: string }[] {
  const state = new Map<number, { role: string; epoch: string }>(SERVERS.map((s) => [s, { role: 'LOOKING', epoch: '-' }]));
  for (const r of records) {
    if ((r['t'] as number) > t) continue;
    const node = r['node'] as number;
    const what = r['what'] as Rec | undefined;
    if (r['k'] === 'observe' && what?.['kind'] === 'role') state.set(node, { role: String(what['role']), epoch: String(what['epoch']) });
    if (r['k'] === 'fault' && r['fault'] === 'crash') state.set(node, { role: 'DOWN', epoch: state.get(node)?.epoch ?? '-' });
    if (r['k'] === 'fault' && r['fault'] === 'restart' && state.get(node)?.role === 'DOWN')
      state.set(node, { role: 'LOOKING', epoch: state.get(node)?.epoch ?? '-' });
  }
  return SERVERS.map((s) => state.get(s) as { role: string; epoch: string });
}

/** Network messages (from a node; node 0 is the script injecting client calls) sent at or before t and delivered or dropped after it. */
function expectedInFlight(t: number): number {
  return records.filter((r) => (r['k'] === 'deliver' || r['k'] === 'drop') && (r['from'] as number) > 0 && (r['sent'] as number) <= t && (r['t'] as number) > t)
    .length;
}

async function panel(): Promise<{ moment: number; rows: { role: string; epoch: string }[]; inFlight: number }> {
  const label = (await page.locator('#moment-label').textContent()) ?? '';
  const cells = await page.locator('#state-table tr td').allTextContents();
  const rows: { role: string; epoch: string }[] = [];
  for (let i = 0; i < cells.length; i += 6) rows.push({ role: (cells[i + 1] ?? '').split(' ')[0] ?? '', epoch: cells[i + 3] ?? '' });
  const total = Number(await page.locator('#inflight').getAttribute('data-total'));
  return { moment: Math.round(Number(label.replace('s', '')) * 1e6), rows, inFlight: total };
}

test('the studio opens at the start; step moves to the next moment something happens', async () => {
  const start = await panel();
  expect(start.moment).toBe(0);
  expect(start.rows).toEqual(expectedState(0));
  const times = [...new Set(records.flatMap((r) => [r['t'] as number, ...(typeof r['sent'] === 'number' ? [r['sent']] : [])]))].sort((a, b) => a - b);
  let moment = 0;
  for (let i = 0; i < 12; i++) {
    await page.locator('button[data-tt=step]').click();
    const next = (await panel()).moment;
    expect(next).toBeGreaterThan(moment);
    // Nothing in the trace happens strictly between two steps.
    expect(times.filter((t) => t > moment && t < next)).toEqual([]);
    moment = next;
  }
  const after = await panel();
  expect(after.rows).toEqual(expectedState(after.moment));
  expect(after.inFlight).toBe(expectedInFlight(after.moment));
  await page.locator('button[data-tt=back]').click();
  expect((await panel()).moment).toBeLessThan(moment);
});

test('next change of a chosen server moves to the next moment its state changes, as the trace says', async () => {
  const changes = records
    .filter((r) => {
      if (r['node'] !== 3) return false;
      const what = r['what'] as Rec | undefined;
      if (r['k'] === 'observe') return ['role', 'commit', 'committedTo', 'logged', 'truncate'].includes(String(what?.['kind']));
      return r['k'] === 'fault' && ['crash', 'restart', 'restart-wiped'].includes(String(r['fault']));
    })
    .map((r) => r['t'] as number);
  await page.locator('button[data-tt=start]').click();
  await page.locator('select[data-tt=server]').selectOption({ label: 's3' });
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    await page.locator('button[data-tt=next-change]').click();
    seen.push((await panel()).moment);
  }
  const expected = [...new Set(changes.filter((t) => t > 0))].slice(0, 6);
  expect(seen).toEqual(expected);
  const last = await panel();
  expect(last.rows).toEqual(expectedState(last.moment));
});

test('scrubbing sets the state panel and the messages in flight to what the trace says', async () => {
  const tEnd = Math.max(...records.map((r) => r['t'] as number));
  const heal = records.find((r) => r['k'] === 'fault' && r['fault'] === 'heal')?.['t'] as number;
  const cut = records.find((r) => r['k'] === 'fault' && r['fault'] === 'partition')?.['t'] as number;
  expect(cut).toBeLessThan(heal);
  const busy = records.filter((r) => r['k'] === 'deliver').map((r) => (r['sent'] as number) + 1)[40] as number;
  for (const t of [busy, Math.round((cut + heal) / 2), heal - 1, tEnd]) {
    await page.locator('#moment-controls input[type=range]').evaluate((el, value) => {
      (el as { value: string }).value = String(value);
      el.dispatchEvent(new Event('input'));
    }, t);
    const shown = await panel();
    expect(shown.moment).toBe(t);
    expect(shown.rows, `at ${t}`).toEqual(expectedState(t));
    expect(shown.inFlight, `at ${t}`).toBe(expectedInFlight(t));
  }
  // At the end the majority's leader leads epoch 2 and everyone follows it.
  expect((await panel()).rows.map((r) => r.role).sort()).toEqual(['FOLLOWING', 'FOLLOWING', 'FOLLOWING', 'FOLLOWING', 'LEADING']);
  expect(expectedInFlight(busy)).toBeGreaterThan(0);
  await page.locator('body').screenshot({ path: join('reports', 'out', 'studio-timetravel.png') });
});

test('on a failing run: jump to the violation brings it into view, and play stops there', async () => {
  const input = studioInput('scenarios/findings/stale-ack-after-trunc.json', { seed: 'p20040' });
  const html = writeStudio(input, join(dir, 'stale-ack.html'));
  const failing = await browser.context.newPage();
  await failing.goto(pathToFileURL(html).href);
  // A run this long is painted before it is simulated to its end: the violation is known once all of it is in.
  await failing.waitForSelector('html[data-complete="1"]', { timeout: 60_000 });
  const violationAt = (await failing.evaluate('window.__zabsimModel.violations[0].at')) as number;
  expect(violationAt).toBeGreaterThan(0);
  const momentOf = async (): Promise<number> => Math.round(Number(((await failing.locator('#moment-label').textContent()) ?? '').replace('s', '')) * 1e6);
  expect(await momentOf()).toBe(0);
  await failing.locator('button[data-tt=violation]').click();
  expect(await momentOf()).toBe(violationAt);
  // The diagram follows the cursor: the violation's line is inside the scrolled view.
  const inView = (await failing.evaluate(`(() => {
    const s = document.getElementById('scroller');
    const y = window.__zabsimY(${violationAt});
    return y >= s.scrollTop && y <= s.scrollTop + s.clientHeight;
  })()`)) as boolean;
  expect(inView).toBe(true);
  // From just before the violation, play runs forward and pauses on it.
  await failing.locator('#moment-controls input[type=range]').evaluate((el, value) => {
    (el as { value: string }).value = String(value);
    el.dispatchEvent(new Event('input'));
  }, violationAt - 1);
  await failing.locator('button[data-tt=play]').click();
  await failing.locator('button[data-tt=play]', { hasText: 'play' }).waitFor({ timeout: 60_000 });
  expect(await momentOf()).toBe(violationAt);
  await failing.close();
}, 120_000);
