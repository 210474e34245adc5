// One group of bench figures, measured in a process of its own and printed as one JSON object.
// `npm run bench` runs each group this way (as JMH forks per benchmark): in one shared process the
// JIT profile of an earlier group (the kernel bench's trivial programs, say) made the kernel's call
// sites polymorphic and slowed every later figure by up to a third.
import { baselineHeapEventsPerSec, kernelEventsPerSec } from './kernel.js';
import { benchLinearizability } from './linearizability.js';
import { benchReportRender } from './report.js';
import { benchStudio } from './studio.js';
import { broadcastEventsPerSec, simToWallRatio } from './zab.js';
import { fuzzThroughput } from './fuzz.js';
import { benchZkHistory } from './zk-history.js';

export const FIGURE_GROUPS = ['kernel', 'broadcast', 'default-run', 'fuzz', 'linearizability', 'zk-history', 'report', 'studio'] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];

export async function measure(group: FigureGroup, log: (text: string) => void): Promise<Record<string, unknown>> {
  switch (group) {
    case 'kernel': {
      baselineHeapEventsPerSec(300_000);
      kernelEventsPerSec(300_000);
      const baseline = baselineHeapEventsPerSec();
      const kernel = kernelEventsPerSec();
      return { kernelEventsPerSec: kernel, baselineHeapEventsPerSec: baseline, kernelToHeapRatio: Math.round((kernel / baseline) * 100) / 100 };
    }
    case 'broadcast': {
      const b = broadcastEventsPerSec();
      // The bare-heap loop runs after the broadcast runs, never before: its own element shape would
      // make the kernel's heap call sites polymorphic and slow the figure it is meant to normalize.
      // The ratio cancels most of the machine's speed, so builds measured at different moments (or
      // on different machines) compare by it: the faster of two heap runs is the machine's speed.
      baselineHeapEventsPerSec(300_000);
      const heap = Math.max(baselineHeapEventsPerSec(), baselineHeapEventsPerSec());
      return {
        broadcastEventsPerSec: b.eventsPerSec,
        broadcastTxnsPerSec: b.txnsPerSec,
        broadcastEventsPerSecRuns: b.runs,
        broadcastCpuEventsPerSec: b.cpuEventsPerSec,
        broadcastBaselineHeapEventsPerSec: heap,
        broadcastToHeapRatio: Math.round((b.eventsPerSec / heap) * 10_000) / 10_000,
      };
    }
    case 'default-run':
      return { simToWallRatio: simToWallRatio() };
    case 'fuzz': {
      const f = fuzzThroughput();
      return {
        fuzzSeedsPerCoreHour: f.seedsPerCoreHour,
        fuzzKvSeedsPerCoreHour: f.kvSeedsPerCoreHour,
        fuzzServiceSeedsPerCoreHour: f.serviceSeedsPerCoreHour,
        fuzzWallSeedsPerHour: f.wallSeedsPerHour,
      };
    }
    case 'linearizability':
      return { ...benchLinearizability() };
    case 'zk-history':
      return { ...benchZkHistory() };
    case 'report':
      return { report50kRenderMs: (await benchReportRender(log)).report50kRenderMs };
    case 'studio': {
      const s = await benchStudio(log);
      return {
        studioLoad50kMs: s.studioLoad50kMs,
        studioLoad50kCompleteMs: s.studioLoad50kCompleteMs,
        studioFirstFrameInPageMs: s.studioFirstFrameInPageMs,
        studioFork10kMs: s.studioFork10kMs,
        studioFork10kCompleteMs: s.studioFork10kCompleteMs,
      };
    }
  }
}

const group = process.argv[2];
if (group !== undefined && process.argv[1]?.endsWith('figure.ts')) {
  if (!(FIGURE_GROUPS as readonly string[]).includes(group)) {
    process.stderr.write(`bench: unknown figure group ${JSON.stringify(group)}; expected one of ${FIGURE_GROUPS.join(', ')}\n`);
    process.exit(2);
  }
  const result = await measure(group as FigureGroup, (text) => process.stderr.write(`${text}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
