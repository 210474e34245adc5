// Proves that a studio page (`zabsim studio`) is self-contained and runs the simulator itself:
// opened in Debian's headless Chromium, no request leaves the page (nor while a lesson steps, a
// branch runs and is exported), its own run has the trace hash
// `zabsim run` writes, and its engine gives Node's trace hash for every catalogue scenario and for
// a built-in run.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { openOfflinePage } from './offline-page.js';
import { runStudioInput, type StudioInput } from '../../reports/studio/engine.js';
import { writeStudio } from '../../reports/studio/page.js';
import { loadCatalogue } from '../../sim/catalogue/catalogue.js';
import { catalogueEntry, runCatalogueScenario } from '../../sim/catalogue/run-catalogue.js';
import { studioInput } from '../../sim/cli/studio.js';

const OUT = join('reports', 'out');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-studio-'));
let browser: Chromium;
let page: Page;
const requests: string[] = [];
const errors: string[] = [];
let pageUrl = '';

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const html = writeStudio(studioInput('split-brain'), join(dir, 'split-brain.html'));
  pageUrl = pathToFileURL(html).href;
  browser = await launchChromium();
  // Every request the page makes is recorded; only the page itself may load.
  page = await openOfflinePage(browser, html, requests, errors);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

test('the page loads nothing but itself, and its run has the trace hash zabsim run writes', async () => {
  const entry = catalogueEntry('split-brain');
  if (entry === undefined) throw new Error('split-brain is not in the catalogue');
  const trace = join(dir, 'split-brain.trace.ndjson');
  runCatalogueScenario(entry, { step: false, json: true, trace, write: () => {} });
  const footer = JSON.parse(readFileSync(trace, 'utf8').trim().split('\n').at(-1) ?? '{}') as { hash: string; lines: number };
  const studio = (await page.evaluate('window.__zabsimStudio')) as { hash: string; lines: number; exitCode: number };
  expect(studio.hash).toBe(footer.hash);
  expect(studio.lines).toBe(footer.lines);
  expect(studio.exitCode).toBe(0);
  expect(await page.title()).toBe('split-brain: zabsim studio');
  expect(await page.locator('#lane-head .lh b').allTextContents()).toEqual(['s1', 's2', 's3', 's4', 's5', 'c1', 'c2', 'c3']);
  expect(await page.locator('svg#diagram line.msg').count()).toBeGreaterThan(10);
  await page.locator('body').screenshot({ path: join(OUT, 'studio-split-brain.png') });
  // The lesson, the fork panel and an exported branch load nothing either.
  await page.locator('button[data-lesson=next]').click();
  await page.locator('#fork button[data-fork=crash]').click();
  await page.locator('#fork button[data-fork=run]').click();
  await page.locator('#branches li[data-branch="1"][data-complete="1"]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#branches button[data-export="1"]').click()]);
  expect(download.suggestedFilename()).toBe('branch_1.capsule.json');
  expect(requests).toEqual([pageUrl]);
  expect(errors).toEqual([]);
}, 60_000);

test('the page engine and Node give the same trace hash for every catalogue scenario and a built-in run', async () => {
  const inputs: StudioInput[] = [...loadCatalogue().map((e) => studioInput(e.name)), studioInput('default', { seed: '7' })];
  expect(inputs.length).toBeGreaterThan(40);
  const mismatches: string[] = [];
  for (const input of inputs) {
    const node = runStudioInput(input).hash;
    const browserHash = (await page.evaluate(`window.__zabsimRunInput(${JSON.stringify(input)})`)) as string;
    if (browserHash !== node) mismatches.push(`${input.name}: browser ${browserHash}, node ${node}`);
  }
  expect(mismatches).toEqual([]);
  expect(requests).toEqual([pageUrl]);
}, 600_000);
