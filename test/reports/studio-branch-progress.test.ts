// Proves that the studio shows a branch before it is simulated to its end, and that the rest still
// arrives: forking a long run paints the branch's first window (a model that ends well before the
// branch does, its row still simulating), then the page simulates the rest in slices, lists the
// branch with Node's trace hash for the same fork, and scrubbing to the branch's end shows each
// server as Node's run of that branch ends; going back shows the original again. Nothing is loaded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { openOfflinePage } from './offline-page.js';
import { runStudioInput, type StudioInput, type StudioRun } from '../../reports/studio/engine.js';
import type { StudioFork } from '../../reports/studio/fork.js';
import { writeStudio } from '../../reports/studio/page.js';
import { logTail } from '../../reports/studio/recorder.js';
import { studioInput } from '../../sim/cli/studio.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-branch-'));
let browser: Chromium;
let page: Page;
let input: StudioInput;
let original: StudioRun;
const errors: string[] = [];
const requests: string[] = [];

/** The default run (a leader crash and a partition) cut to 10 s: some 3,500 kernel events. */
function longRun(): StudioInput {
  const given = studioInput('default', { seed: '7' });
  if (given.kind !== 'run') throw new Error('the default scenario is a built-in run');
  return { ...given, options: { ...given.options, durationMs: 10_000 } };
}

beforeAll(async () => {
  input = longRun();
  original = runStudioInput(input);
  const html = writeStudio(input, join(dir, 'branch.html'));
  browser = await launchChromium();
  page = await openOfflinePage(browser, html, requests, errors);
  await page.waitForSelector('html[data-complete="1"]', { timeout: 120_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** The moment of the original's 1,000th trace line, and the server leading then. */
function forkPoint(): StudioFork {
  const at = (JSON.parse(original.lines[1000] ?? '{}') as { t: number }).t;
  const rec = original.recorder;
  const leader = rec?.servers.find((n) => rec.stateAt(n, at)?.role === 'LEADING');
  expect(leader).toBeDefined();
  return { atUs: at, interventions: [{ kind: 'crash', node: leader as number }] };
}

test('a fork paints its first window before the branch is whole; the rest arrives with Node trace hash', async () => {
  const fork = forkPoint();
  const branch = runStudioInput(input, fork);
  const branchEnd = (JSON.parse(branch.lines.at(-1) ?? '{}') as { t: number }).t;
  const atPaint = (await page.evaluate(`(async () => {
    const started = window.__zabsimUi.forkAt(${fork.atUs}, ${JSON.stringify(fork.interventions)}, 'crash the leader');
    await started.painted;
    const row = document.querySelector('#branches li[data-branch="1"]');
    return { shown: window.__zabsimShown, complete: row.getAttribute('data-complete'), running: row.classList.contains('running') };
  })()`)) as { shown: { id: number; tEnd: number }; complete: string | null; running: boolean };
  // Painted: the viewer shows the branch past its fork moment, but not to its end, which is still being simulated.
  expect(atPaint.shown.id).toBe(1);
  expect(atPaint.shown.tEnd).toBeGreaterThan(fork.atUs);
  expect(atPaint.shown.tEnd).toBeLessThan(branchEnd);
  expect(atPaint).toMatchObject({ complete: null, running: true });
  await page.locator('#branches li[data-branch="1"][data-complete="1"]').waitFor({ timeout: 120_000 });
  const hashes = await page.locator('#branches li[data-branch="1"] tr[data-compare=hash] td').allTextContents();
  expect(hashes).toEqual([original.hash, branch.hash]);
  expect(branch.hash).not.toBe(original.hash);
  // The viewer now draws the whole branch.
  expect(await page.evaluate('window.__zabsimShown')).toEqual({ id: 1, tEnd: branchEnd });
  expect(errors).toEqual([]);
}, 120_000);

test("scrubbing to the branch's end shows each server as the branch ends; the original is a click away", async () => {
  const fork = forkPoint();
  const branch = runStudioInput(input, fork);
  const end = (await page.evaluate('window.__zabsimShown.tEnd')) as number;
  await page.locator('#moment-controls input[type=range]').evaluate((el, value) => {
    (el as { value: string }).value = String(value);
    el.dispatchEvent(new Event('input'));
  }, end);
  const rec = branch.recorder;
  if (rec === null) throw new Error('the branch built no cluster');
  let down = 0;
  for (const node of rec.servers) {
    const s = rec.stateAt(node, end);
    const shown = page.locator(`#server-detail [data-node="${node}"]`);
    if (s === null) {
      expect(await shown.textContent()).toContain('down');
      down++;
      continue;
    }
    expect(await page.locator(`#server-detail [data-log="${node}"] .txn`).allTextContents()).toEqual(logTail(s, 5).map((e) => `${e.zxid} ${e.body}`));
  }
  expect(down).toBeLessThan(rec.servers.length);
  // Back to the original: its whole model and its fork panel.
  await page.locator('#branches button[data-view="0"]').click();
  expect(await page.evaluate('window.__zabsimShown.id')).toBe(0);
  expect(await page.evaluate('window.__zabsimShown.tEnd')).toBe((JSON.parse(original.lines.at(-1) ?? '{}') as { t: number }).t);
  expect(await page.locator('#fork button[data-fork=crash]').count()).toBe(1);
  expect(requests).toHaveLength(1);
  expect(errors).toEqual([]);
}, 120_000);
