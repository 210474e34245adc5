// Proves the studio's fork, export and fuller state panel in headless Chromium: in the
// minority-versus-quorum lesson (leader-crash-quorum-survives), the state panel shows each server's
// log tail and each client's pending call as the run says; dropping the one PROPOSAL that reached
// a quorum changes the outcome (the write no longer survives); the branch exported as a capsule
// replays in Node (`zabsim replay`) to the same trace hash; and a fork that changes nothing keeps it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../reports/chromium.js';
import { runStudioInput } from '../../reports/studio/engine.js';
import { writeStudio } from '../../reports/studio/page.js';
import { studioInput } from '../../sim/cli/studio.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-fork-'));
let browser: Chromium;
let page: Page;
const errors: string[] = [];
type Rec = Record<string, unknown>;
let records: Rec[] = [];

beforeAll(async () => {
  const input = studioInput('leader-crash-quorum-survives');
  records = runStudioInput(input).lines.map((l) => JSON.parse(l) as Rec);
  const html = writeStudio(input, join(dir, 'quorum.html'));
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function moveTo(t: number): Promise<void> {
  await page.locator('#moment-controls input[type=range]').evaluate((el, value) => {
    (el as { value: string }).value = String(value);
    el.dispatchEvent(new Event('input'));
  }, t);
}

/** The one PROPOSAL the leader sent for the second write that a follower logged, as the trace says. */
function quorumProposal(): { sent: number; from: number; to: number; msg: string } {
  // Delivered before the leader crashes: the one copy that reached a follower (the leader and it, a quorum).
  const crashAt = records.find((r) => r['k'] === 'fault' && r['fault'] === 'crash')?.['t'] as number;
  const logged = records.filter((r) => r['k'] === 'deliver' && String(r['msg']).startsWith('PROPOSAL 1:2') && (r['t'] as number) < crashAt);
  expect(logged).toHaveLength(1);
  const p = logged[0] as Rec;
  return { sent: p['sent'] as number, from: p['from'] as number, to: p['to'] as number, msg: String(p['msg']) };
}

test('the state panel shows log tails and pending calls at the moment, as the run has them', async () => {
  const p = quorumProposal();
  await moveTo(p.sent);
  // The leader has logged 1:2, its follower not yet; c2's write waits for its reply.
  const leaderLog = await page.locator(`#server-detail [data-log="${p.from}"] .txn`).allTextContents();
  const followerLog = await page.locator(`#server-detail [data-log="${p.to}"] .txn`).allTextContents();
  expect(leaderLog.at(-1)).toBe('1:2 set x=2');
  expect(followerLog.at(-1)).toBe('1:1 set x=1');
  expect(await page.locator(`#server-detail [data-data="${p.to}"]`).textContent()).toContain('x = 1');
  const invoke = records.find((r) => r['k'] === 'observe' && (r['what'] as Rec)['kind'] === 'invoke' && ((r['what'] as Rec)['op'] as Rec)['value'] === '2');
  expect(invoke).toBeDefined();
  expect(Number(await page.locator('#client-pending').getAttribute('data-total'))).toBe(1);
  expect(await page.locator('#client-pending li').first().textContent()).toContain('c2: set x=2');
  // After the follower logged it, its log tail has it too (uncommitted).
  const deliveredAt = records.find((r) => r['k'] === 'deliver' && String(r['msg']) === p.msg && r['sent'] === p.sent)?.['t'] as number;
  await moveTo(deliveredAt);
  expect((await page.locator(`#server-detail [data-log="${p.to}"] .txn`).allTextContents()).at(-1)).toBe('1:2 set x=2');
  expect(await page.locator(`#server-detail [data-log="${p.to}"] .txn.committed`).count()).toBe(1);
});

test('dropping the PROPOSAL that reached a quorum changes the outcome, and the exported branch replays', async () => {
  const p = quorumProposal();
  await moveTo(p.sent);
  await page.locator(`#fork li[data-msg="${p.from}>${p.to} ${p.msg}"] button[data-fork=drop]`).click();
  await page.locator('#fork input[data-fork=name]').fill('no quorum for x=2');
  await page.locator('#fork button[data-fork=run]').click();
  // The branch is shown at once and compared with the original once it is simulated to its end.
  await page.locator('#branches li[data-branch="1"][data-complete="1"]').waitFor();
  const branch = page.locator('#branches li[data-branch="1"]');
  expect(await branch.getAttribute('class')).toContain('changed');
  expect(await branch.locator('[data-branch-name="1"]').textContent()).toBe('no quorum for x=2');
  const history = await branch.locator('tr[data-compare=history] td').allTextContents();
  expect(history).toEqual(['1:2 set x=2', '—']);
  expect(await branch.locator('tr[data-compare=committed] td').allTextContents()).toEqual(['2', '1']);
  const hash = (await branch.locator('tr[data-compare=hash] td').allTextContents())[1] as string;
  // Export, then replay the downloaded capsule with the CLI, in Node.
  const [download] = await Promise.all([page.waitForEvent('download'), branch.locator('button[data-export="1"]').click()]);
  expect(download.suggestedFilename()).toBe('no_quorum_for_x_2.capsule.json');
  const capsule = join(dir, download.suggestedFilename());
  await download.saveAs(capsule);
  expect(JSON.parse(readFileSync(capsule, 'utf8')).fork.interventions).toEqual([{ kind: 'drop', from: p.from, to: p.to, sentUs: p.sent, msg: p.msg }]);
  const out = execFileSync('node', ['sim/cli/zabsim.mjs', 'replay', capsule, '--json'], { encoding: 'utf8' });
  const replay = JSON.parse(out) as { traceHash: string; matched: boolean; committed: number };
  expect(replay.traceHash).toBe(hash);
  expect(replay.matched).toBe(true);
  expect(replay.committed).toBe(1);
  await page.locator('#studio-fork').screenshot({ path: join('reports', 'out', 'studio-fork.png') });
  expect(errors).toEqual([]);
}, 120_000);

test('a fork that touches nothing the run needs keeps the outcome; one that crashes the leader early changes it', async () => {
  // Healing an already healed network just before the end changes nothing the checkers or the history see.
  // The viewer shows branch 1 now; forks are made on the original.
  expect(await page.evaluate('window.__zabsimShown.id')).toBe(1);
  await page.locator('#fork button[data-view="0"]').click();
  expect(await page.evaluate('window.__zabsimShown.id')).toBe(0);
  const end = (await page.evaluate('window.__zabsimModel.tEnd')) as number;
  await moveTo(end - 1);
  await page.locator('#fork button[data-fork=heal]').click();
  await page.locator('#fork button[data-fork=run]').click();
  await page.locator('#branches li[data-branch="2"][data-complete="1"]').waitFor();
  const same = page.locator('#branches li[data-branch="2"]');
  expect(await same.getAttribute('class')).toContain('same');
  expect(await same.locator('tr[data-compare=history] td').allTextContents()).toEqual(['—', '—']);
  // Crashing server 3 before anything is written leaves no leader 3.
  const firstLeader = records.find((r) => r['k'] === 'observe' && (r['what'] as Rec)['kind'] === 'role' && (r['what'] as Rec)['role'] === 'LEADING');
  await page.locator('#fork button[data-view="0"]').click();
  await moveTo((firstLeader?.['t'] as number) + 1);
  await page.locator('#fork select[data-fork=server]').selectOption({ label: `s${String(firstLeader?.['node'])}` });
  await page.locator('#fork button[data-fork=crash]').click();
  await page.locator('#fork button[data-fork=run]').click();
  await page.locator('#branches li[data-branch="3"][data-complete="1"]').waitFor();
  const crashed = page.locator('#branches li[data-branch="3"]');
  expect(await crashed.getAttribute('class')).toContain('changed');
  const leaders = await crashed.locator('tr[data-compare=leader] td').allTextContents();
  expect(leaders[1]).not.toBe(`s${String(firstLeader?.['node'])}`);
  expect(errors).toEqual([]);
}, 120_000);
