// Proves, in Debian's headless Chromium, the static report's teaching fixes on the narrated
// split-brain scenario: the scenario's name is the title, its clients are client lanes under their
// own names, each step's narration sits level with its moment, no two text labels of the diagram
// overlap anywhere along it, and heartbeats start collapsed into ticks.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { catalogueEntry, runCatalogueScenario } from '../../sim/catalogue/run-catalogue.js';

const OUT = join('reports', 'out');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-report-fixes-'));
let browser: Chromium;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const entry = catalogueEntry('split-brain');
  if (entry === undefined) throw new Error('split-brain is not in the catalogue');
  const html = join(dir, 'split-brain.html');
  runCatalogueScenario(entry, { step: false, json: true, trace: join(dir, 'sb.ndjson'), report: html, write: () => {} });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every drawn text label's box, in page pixels. */
async function labelBoxes(): Promise<Box[]> {
  return (await page.evaluate(`[...document.querySelectorAll('svg#diagram text')].map((t) => {
    const r = t.getBoundingClientRect();
    return { text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height };
  })`)) as Box[];
}

function overlaps(boxes: readonly Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i] as Box;
      const b = boxes[j] as Box;
      // Half a pixel of slack for anti-aliased edges.
      if (a.x + 0.5 < b.x + b.w && b.x + 0.5 < a.x + a.w && a.y + 0.5 < b.y + b.h && b.y + 0.5 < a.y + a.h) found.push(`"${a.text}" / "${b.text}"`);
    }
  return found;
}

test('the title is the scenario, and clients are client lanes under their own names', async () => {
  expect(await page.title()).toMatch(/^split-brain: /);
  expect(await page.locator('h1 .scenario').textContent()).toBe('split-brain');
  const names = await page.locator('#lane-head .lh b').allTextContents();
  const kinds = await page.locator('#lane-head .lh').evaluateAll((els) => els.map((e) => e.getAttribute('class') ?? ''));
  const lanes = names.map((name, i) => ({ name, kind: kinds[i] ?? '' }));
  expect(lanes.map((l) => l.name)).toEqual(['s1', 's2', 's3', 's4', 's5', 'c1', 'c2', 'c3']);
  expect(lanes.slice(5).every((l) => l.kind.includes('client'))).toBe(true);
  // No client appears as a server: the state table lists the five servers only, none LOOKING at the end.
  const rows = await page.locator('#state-table tr td:first-child').allTextContents();
  expect(rows).toEqual(['s1', 's2', 's3', 's4', 's5']);
  expect(await page.locator('#lane-head').textContent()).not.toMatch(/n6|n7|n8/);
});

test('each narrated step is drawn level with its moment, and the heal narration beside the heal', async () => {
  // The page's own model and its time-to-pixel map (window.__zabsimY) give where each moment is drawn.
  const placed = (await page.evaluate(`(() => {
    const D = JSON.parse(document.getElementById('zabsim-data').textContent);
    const boxes = [...document.querySelectorAll('#narr-layer .narr')];
    const heal = D.story.find((s) => s.text.startsWith('network healed'));
    return {
      count: D.narration.length,
      boxes: boxes.map((b, k) => ({ t: D.narration[k].t, top: b.offsetTop, bottom: b.offsetTop + b.offsetHeight, y: window.__zabsimY(D.narration[k].t), text: D.narration[k].text })),
      healY: heal === undefined ? null : window.__zabsimY(heal.t),
    };
  })()`)) as { count: number; boxes: { t: number; top: number; bottom: number; y: number; text: string }[]; healY: number | null };
  expect(placed.count).toBeGreaterThan(5);
  expect(placed.boxes.length).toBe(placed.count);
  // The first narration of each moment starts level with it; steps that take no time share their
  // moment and stack right below one another.
  placed.boxes.forEach((b, k) => {
    const before = placed.boxes[k - 1];
    if (before === undefined || before.t !== b.t) expect(Math.abs(b.top + 7 - b.y), b.text).toBeLessThan(1.5);
    else expect(b.top, b.text).toBe(before.bottom + 6);
    if (before !== undefined) expect(b.top).toBeGreaterThanOrEqual(before.bottom);
  });
  const healBox = placed.boxes.find((b) => b.text.startsWith('Heal.'));
  expect(healBox).toBeDefined();
  expect(placed.healY).not.toBeNull();
  expect(Math.abs(healBox!.top + 7 - placed.healY!)).toBeLessThan(1.5);
  await page.locator('#viewer').screenshot({ path: join(OUT, 'report-split-brain.png') });
});

test('no two text labels overlap, anywhere along the diagram; heartbeats start collapsed', async () => {
  expect(await page.locator('select[data-filter=heartbeats]').inputValue()).toBe('collapsed');
  const height = (await page.evaluate(`document.getElementById('spacer').offsetHeight`)) as number;
  let checked = 0;
  for (let top = 0; top < height; top += 400) {
    await page.evaluate(`(() => {
      const s = document.getElementById('scroller');
      s.scrollTop = ${top};
      s.dispatchEvent(new Event('scroll'));
    })()`);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const boxes = await labelBoxes();
    checked += boxes.length;
    expect(overlaps(boxes), `scrolled to ${top}`).toEqual([]);
  }
  expect(checked).toBeGreaterThan(100);
  expect(errors).toEqual([]);
}, 60_000);
