// Proves that running a studio input in slices (as the page does, to paint a long run's start
// before the rest is simulated) changes nothing: the same trace lines, trace hash, exit code,
// verdicts and outcome as running it in one call, whatever the slice size, and as `runZab` itself.
import { expect, test } from 'vitest';
import { runStudioInput, startStudioInput, type StudioInput } from '../../reports/studio/engine.js';
import { studioInput } from '../../sim/cli/studio.js';
import { HashSink } from '../../sim/trace/sink.js';
import { runZab } from '../../sim/zab/run.js';

/** The default run (a leader crash and a partition), cut to 10 s: some 3,500 kernel events. */
function shortRun(): StudioInput & { kind: 'run' } {
  const input = studioInput('default', { seed: '7' });
  if (input.kind !== 'run') throw new Error('the default scenario is a built-in run');
  return { ...input, options: { ...input.options, durationMs: 10_000 } };
}
const property = shortRun();

test.each([1, 7, 500])('a run advanced %i events at a time is the run made in one call', (slice) => {
  const whole = runStudioInput(property);
  const running = startStudioInput(property);
  let slices = 0;
  while (!running.advance(slice)) {
    slices++;
    expect(running.events()).toBe(slice * slices);
  }
  const sliced = running.finish();
  expect(slices).toBeGreaterThan(0);
  expect(sliced.hash).toBe(whole.hash);
  expect(sliced.lines).toEqual(whole.lines);
  expect(sliced.exitCode).toBe(whole.exitCode);
  expect(sliced.verdicts).toEqual(whole.verdicts);
  expect(sliced.outcome).toEqual(whole.outcome);
  expect(whole.hash).toBe(runZab(property.options, new HashSink()).traceHash);
});

test('a scenario script runs whole at the start; finish gives the same run as one call', () => {
  const input = studioInput('split-brain');
  const running = startStudioInput(input);
  expect(running.advance(1)).toBe(true);
  const whole = runStudioInput(input);
  expect(running.finish().hash).toBe(whole.hash);
  expect(running.lines.length).toBe(whole.lines.length);
});
