// Proves the studio's lessons read their answers from the run: at least ten narrated catalogue
// scenarios are lessons (the topics the issue names among them), every question's answer is one of
// its choices, and a fork that changes the run changes the graded answer. In headless Chromium,
// the split-brain lesson shows its length and progress and grades a right and a wrong prediction
// against what the trace itself says.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { runStudioInput, studioModel } from '../../reports/studio/engine.js';
import { gradeLesson, LESSONS, lessonFor } from '../../reports/studio/lessons.js';
import { writeStudio } from '../../reports/studio/page.js';
import { StudioSession } from '../../reports/studio/session.js';
import { catalogueEntry } from '../../sim/catalogue/run-catalogue.js';
import { studioInput } from '../../sim/cli/studio.js';

function session(name: string): StudioSession {
  const input = studioInput(name);
  const run = runStudioInput(input);
  return new StudioSession(input, run, studioModel(run));
}

describe('lessons, graded by the run', () => {
  test('ten or more narrated catalogue scenarios, the named topics among them, each answer one of its choices', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(10);
    for (const name of [
      'split-brain',
      'leader-crash-quorum-survives',
      'leader-crash-minority-rolled-back',
      'sync-diff',
      'sync-trunc',
      'sync-snap-behind',
      'observer-no-vote',
      'forwarding-through-follower',
      'session-expiry-ephemerals-group',
      'herd-free-lock',
      'unfenced-lock-pause',
    ])
      expect(lessonFor(name), name).toBeDefined();
    const modes = new Set<string>();
    for (const lesson of LESSONS) {
      expect(catalogueEntry(lesson.scenario), lesson.scenario).toBeDefined();
      const s = session(lesson.scenario);
      for (const q of gradeLesson(lesson, s)) {
        expect(q.def.at).toBeLessThanOrEqual(s.model.narration.length);
        expect(q.choices, `${lesson.scenario}: ${q.def.text}`).toContain(q.answer);
        expect(q.revealAt).toBeGreaterThanOrEqual(q.askAt);
        if (q.def.ask.kind === 'sync') modes.add(q.answer);
      }
    }
    // The sync lessons between them show all three modes.
    expect([...modes].sort()).toEqual(['DIFF', 'SNAP', 'TRUNC']);
  }, 120_000);

  test('a branch where the quorum PROPOSAL is dropped grades "will x=2 survive" the other way', () => {
    const s = session('leader-crash-quorum-survives');
    const lesson = lessonFor('leader-crash-quorum-survives');
    if (lesson === undefined) throw new Error('no lesson');
    const survives = (g: ReturnType<typeof gradeLesson>): string | undefined => g.find((q) => q.def.ask.kind === 'survives')?.answer;
    expect(survives(gradeLesson(lesson, s))).toBe('yes');
    const proposal = s.run.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r['k'] === 'deliver' && String(r['msg']).startsWith('PROPOSAL 1:2')) as Record<string, unknown>;
    const branch = s.fork({
      atUs: proposal['sent'] as number,
      interventions: [
        { kind: 'drop', from: proposal['from'] as number, to: proposal['to'] as number, sentUs: proposal['sent'] as number, msg: String(proposal['msg']) },
      ],
    });
    const forked = new StudioSession(s.input, branch.run, studioModel(branch.run));
    expect(survives(gradeLesson(lesson, forked))).toBe('no');
  }, 60_000);
});

describe('the split-brain lesson in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-lesson-'));
  let browser: Chromium;
  let page: Page;
  const errors: string[] = [];
  type Rec = Record<string, unknown>;
  let records: Rec[] = [];

  beforeAll(async () => {
    const input = studioInput('split-brain');
    records = runStudioInput(input)
      .lines.map((l) => JSON.parse(l) as Rec)
      .filter((r) => r['kind'] !== 'header');
    const html = writeStudio(input, join(dir, 'split-brain.html'));
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('the lesson shows its length and progress, and grades a right and a wrong prediction', async () => {
    const narrated = records.filter((r) => r['k'] === 'phase');
    const where = page.locator('#lesson-where');
    expect(await where.getAttribute('data-steps')).toBe(String(narrated.length));
    expect(await where.getAttribute('data-step')).toBe('1');
    // Step to the cut (the third narrated step): the election question is asked there.
    await page.locator('button[data-lesson=next]').click();
    await page.locator('button[data-lesson=next]').click();
    expect(await where.getAttribute('data-step')).toBe('3');
    const cutAt = narrated[2]?.['t'] as number;
    const revealAt = narrated[5]?.['t'] as number;
    // What the trace says: the first server to become LEADING after the cut.
    const elected = records.find(
      (r) =>
        r['k'] === 'observe' &&
        (r['what'] as Rec)['kind'] === 'role' &&
        (r['what'] as Rec)['role'] === 'LEADING' &&
        (r['t'] as number) >= cutAt &&
        (r['t'] as number) <= revealAt,
    );
    const right = `s${String(elected?.['node'])}`;
    const election = page.locator('#lesson [data-question="0"]');
    expect(await election.locator('button[data-choice]').count()).toBe(6);
    await election.locator(`button[data-choice="${right}"]`).click();
    expect(await page.locator('#lesson [data-question="0"] .verdict').getAttribute('class')).toBe('verdict right');
    // The minority's write: the committed history at the end is what the last servers hold.
    await page.locator('button[data-lesson=next]').click();
    const committedX2 = records.some(
      (r) => r['k'] === 'observe' && (r['what'] as Rec)['kind'] === 'commit' && (r['what'] as Rec)['zxid'] === 4294967298 && (r['t'] as number) > revealAt,
    );
    const wrong = committedX2 ? 'no' : 'yes';
    await page.locator(`#lesson [data-question="1"] button[data-choice="${wrong}"]`).click();
    expect(await page.locator('#lesson [data-question="1"] .verdict').getAttribute('class')).toBe('verdict wrong');
    expect(await page.locator('#lesson-where').textContent()).toContain('2 of 3 questions answered, 1 right');
    expect(await page.evaluate('window.__zabsimLesson.score()')).toEqual({ right: 1, answered: 2, total: 3 });
    await page.locator('#lesson-box').screenshot({ path: join('reports', 'out', 'studio-lesson.png') });
    await page.locator('body').screenshot({ path: join('reports', 'out', 'studio-lesson-page.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
