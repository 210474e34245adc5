// Proves that the studio paints a long run before simulating all of it, and that the rest arrives:
// the first paint draws only the run's start, then the page simulates the rest in slices, gives
// the trace hash Node gives, draws the whole run, and scrubbing to its end shows the end state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { openOfflinePage } from './offline-page.js';
import { runStudioInput, studioModel, type StudioInput, type StudioRun } from '../../reports/studio/engine.js';
import { writeStudio } from '../../reports/studio/page.js';
import { logTail } from '../../reports/studio/recorder.js';
import { studioInput } from '../../sim/cli/studio.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-long-'));
let browser: Chromium;
let page: Page;
let run: StudioRun;
const errors: string[] = [];
const requests: string[] = [];

/** The default run (a leader crash and a partition) cut to 10 s: some 3,500 kernel events, several slices. */
function longRun(): StudioInput {
  const input = studioInput('default', { seed: '7' });
  if (input.kind !== 'run') throw new Error('the default scenario is a built-in run');
  return { ...input, options: { ...input.options, durationMs: 10_000 } };
}

beforeAll(async () => {
  const input = longRun();
  run = runStudioInput(input);
  const html = writeStudio(input, join(dir, 'long.html'));
  browser = await launchChromium();
  page = await openOfflinePage(browser, html, requests, errors);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

test('the first paint draws the start of the run; the whole run follows, with Node trace hash', async () => {
  const first = (await page.evaluate('window.__zabsimFirstPaint')) as { lines: number; events: number } | undefined;
  expect(first).toBeDefined();
  expect(first?.lines).toBeGreaterThan(100);
  expect(first?.lines).toBeLessThan(run.lines.length / 2);
  await page.waitForSelector('html[data-complete="1"]', { timeout: 120_000 });
  const studio = (await page.evaluate('window.__zabsimStudio')) as { hash: string; lines: number; exitCode: number; complete: boolean };
  expect(studio).toMatchObject({ hash: run.hash, lines: run.lines.length, exitCode: run.exitCode, complete: true });
  const lastT = (JSON.parse(run.lines.at(-1) ?? '{}') as { t: number }).t;
  expect(await page.evaluate('window.__zabsimModel.tEnd')).toBe(lastT);
  expect(await page.locator('#studio-status').textContent()).toContain(`trace hash ${run.hash}`);
  // The diagram was drawn again on the whole run: one viewer, its lanes once each.
  expect(await page.locator('section#viewer').count()).toBe(1);
  expect(await page.locator('#lane-head .lh b').allTextContents()).toEqual(studioModel(run).lanes.map((l) => l.label));
  expect(requests).toHaveLength(1);
  expect(errors).toEqual([]);
}, 120_000);

test('scrubbing to the end of the whole run shows each server as the run ends', async () => {
  await page.waitForSelector('html[data-complete="1"]', { timeout: 120_000 });
  const end = (await page.evaluate('window.__zabsimModel.tEnd')) as number;
  await page.locator('#moment-controls input[type=range]').evaluate((el, value) => {
    (el as { value: string }).value = String(value);
    el.dispatchEvent(new Event('input'));
  }, end);
  const rec = run.recorder;
  if (rec === null) throw new Error('the run built no cluster');
  let shown = 0;
  for (const node of rec.servers) {
    const s = rec.stateAt(node, end);
    if (s === null) continue;
    const tail = logTail(s, 5).map((e) => `${e.zxid} ${e.body}`);
    expect(await page.locator(`#server-detail [data-log="${node}"] .txn`).allTextContents()).toEqual(tail);
    if (tail.length > 0) shown++;
  }
  expect(shown).toBeGreaterThan(0);
  // The fork panel is open on the whole run.
  expect(await page.locator('#fork button[data-fork=crash]').count()).toBe(1);
}, 60_000);
