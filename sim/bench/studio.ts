// studioLoad50kMs: how long headless Chromium takes to open a studio page whose run has at least
// 50,000 kernel events, from navigation start to the first paint of the diagram (the page runs the
// simulation itself, builds the model and draws; a long run's start is painted before the rest is
// simulated, and studioLoad50kCompleteMs counts until the whole run is in). studioFork10kMs: on that page, forking at the
// 10,000th trace event (crashing the leader of that moment) and showing the branch: re-running to
// the moment, the interventions and a first window past them, drawn in the viewer, up to just
// after the frame that shows it (the page then simulates the rest of the branch in slices;
// studioFork10kCompleteMs counts until it is whole, compared with the original and listed).
// Medians of 3 after a warm-up; the browser launch is not counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../reports/chromium.js';
import { writeStudio } from '../../reports/studio/page.js';
import { HashSink } from '../trace/sink.js';
import type { RunOptions } from '../zab/options.js';
import { propertyRunOptions } from '../zab/property.js';
import { runZab } from '../zab/run.js';
import { REPORT_BENCH_EVENTS } from './report.js';

export const FORK_AT_EVENT = 10_000;

export interface StudioBench {
  readonly studioLoad50kMs: number;
  /** From navigation start until the whole run is simulated, modelled and drawn (html[data-complete]). */
  readonly studioLoad50kCompleteMs: number;
  /** The first frame of the diagram as the page's own clock has it (from its navigation start). */
  readonly studioFirstFrameInPageMs: number;
  readonly studioFork10kMs: number;
  /** From the fork until the whole branch is simulated, compared with the original and drawn. */
  readonly studioFork10kCompleteMs: number;
  readonly events: number;
}

/** The property run stretched to at least 50,000 events (as the report bench does). */
function fiftyKRun(): { options: RunOptions; events: number } {
  const base = propertyRunOptions('5', 5, 0);
  for (let durationMs = 120_000; durationMs <= 600_000; durationMs += 30_000) {
    const options: RunOptions = { ...base, durationMs, workload: { ...base.workload, stopAtMs: durationMs - 10_000 } };
    const run = runZab(options, new HashSink());
    if (run.events >= REPORT_BENCH_EVENTS) return { options, events: run.events };
  }
  throw new Error(`studio bench: no run of up to 600 s has ${REPORT_BENCH_EVENTS} events`);
}

const median = (xs: number[]): number => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN);

export async function benchStudio(log: (text: string) => void = () => {}): Promise<StudioBench> {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-studio-bench-'));
  try {
    const { options, events } = fiftyKRun();
    const html = writeStudio({ kind: 'run', name: 'studio bench', description: '', options }, join(dir, 'studio.html'));
    log(`studio page of a ${events}-event run ...`);
    const browser = await launchChromium();
    const loads: number[] = [];
    const forks: number[] = [];
    const forkDones: number[] = [];
    const completes: number[] = [];
    const frames: number[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const page = await browser.context.newPage();
        const started = performance.now();
        await page.goto(pathToFileURL(html).href);
        await page.waitForSelector('html[data-rendered="1"]', { timeout: 120_000 });
        const loadMs = performance.now() - started;
        // The page paints the run's start first and simulates the rest after; forking waits for it.
        await page.waitForSelector('html[data-complete="1"]', { timeout: 120_000 });
        const completeMs = performance.now() - started;
        // The same first paint as the page itself times it, from its navigation start (without the
        // driver's round trips, which a loaded machine stretches by a second or more).
        const frameMs = (await page.evaluate(`performance.getEntriesByName('zabsim:first-frame')[0]?.startTime ?? NaN`)) as number;
        const [forkMs, forkDoneMs] = (await page.evaluate(`(async () => {
          const s = window.__zabsimSession;
          const at = JSON.parse(s.run.lines[${FORK_AT_EVENT}]).t;
          const leader = s.serversAt(at, 0, 0).map((d) => d.node).find((n) => s.run.recorder.stateAt(n, at)?.role === 'LEADING') ?? 1;
          const t0 = performance.now();
          const started = window.__zabsimUi.forkAt(at, [{ kind: 'crash', node: leader }], 'bench');
          const painted = await started.painted;
          const done = await started.done;
          return [painted - t0, done - t0];
        })()`)) as [number, number];
        await page.close();
        if (i > 0) {
          loads.push(loadMs);
          completes.push(completeMs);
          frames.push(frameMs);
          forks.push(forkMs);
          forkDones.push(forkDoneMs);
        }
      }
    } finally {
      await browser.close();
    }
    return {
      studioLoad50kMs: median(loads),
      studioLoad50kCompleteMs: median(completes),
      studioFirstFrameInPageMs: median(frames),
      studioFork10kMs: median(forks),
      studioFork10kCompleteMs: median(forkDones),
      events,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
