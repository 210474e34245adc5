// report50kRenderMs: how long headless Chromium takes to load and first-render the HTML report of a
// real run of at least 50,000 kernel events (the property scenario, stretched). Measured from
// navigation start to the viewer's "rendered" mark; the browser launch is not counted. Median of 3.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../reports/chromium.js';
import { writeHtmlReport } from '../../reports/html.js';
import { FileSink } from '../trace/sink.js';
import { propertyRunOptions } from '../zab/property.js';
import { runZab } from '../zab/run.js';

export const REPORT_BENCH_EVENTS = 50_000;

export interface ReportBench {
  readonly report50kRenderMs: number;
  readonly events: number;
  readonly traceLines: number;
  readonly htmlBytes: number;
}

export async function benchReportRender(log: (text: string) => void = () => {}): Promise<ReportBench> {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-report-bench-'));
  try {
    const tracePath = join(dir, 'run.trace.ndjson');
    const htmlPath = join(dir, 'run.html');
    const base = propertyRunOptions('5', 5, 0);
    // Lengthen the run until it has at least 50,000 events: the count of a fixed run moves with
    // unrelated protocol changes, and the figure must always be about a 50k-event report.
    let sink = new FileSink(tracePath);
    let run = runZab({ ...base, durationMs: 120_000, workload: { ...base.workload, stopAtMs: 110_000 } }, sink);
    for (let durationMs = 150_000; run.events < REPORT_BENCH_EVENTS && durationMs <= 600_000; durationMs += 30_000) {
      sink = new FileSink(tracePath);
      run = runZab({ ...base, durationMs, workload: { ...base.workload, stopAtMs: durationMs - 10_000 } }, sink);
    }
    if (run.events < REPORT_BENCH_EVENTS) throw new Error(`report bench: the run has ${run.events} events, fewer than ${REPORT_BENCH_EVENTS}`);
    writeHtmlReport(tracePath, htmlPath);
    const htmlBytes = statSync(htmlPath).size;
    log(`report of ${run.events} events (${sink.lines} trace lines, ${(htmlBytes / 1e6).toFixed(1)} MB of HTML) ...`);
    const browser = await launchChromium();
    const samples: number[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const page = await browser.context.newPage();
        const started = performance.now();
        await page.goto(pathToFileURL(htmlPath).href);
        await page.waitForSelector('html[data-rendered="1"]', { timeout: 60_000 });
        const ms = performance.now() - started;
        await page.close();
        if (i > 0) samples.push(ms); // the first load warms the browser's caches and code
      }
    } finally {
      await browser.close();
    }
    samples.sort((a, b) => a - b);
    return { report50kRenderMs: Math.round(samples[1] ?? samples[0] ?? Number.NaN), events: run.events, traceLines: sink.lines, htmlBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
