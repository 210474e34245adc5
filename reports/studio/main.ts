// The studio page's bootstrap (bundled for the browser by page.ts): reads the input the page
// carries, runs the simulator in the page, and hands the report model to the viewer, which runs
// right after this script. window.__zabsimStudio exposes the run (trace hash, lines) for tests.
import { runStudioInput, studioModel, type StudioInput } from './engine.js';

/** The little of the DOM this script touches (the project compiles without the DOM's types). */
interface PageElement {
  textContent: string | null;
  className: string;
}
const page = globalThis as unknown as { document: { getElementById(id: string): PageElement | null } } & Record<string, unknown>;
const document = page.document;

const started = performance.now();
const input = JSON.parse(document.getElementById('zabsim-input')?.textContent ?? 'null') as StudioInput;
const run = runStudioInput(input);
const model = studioModel(run);
const runMs = performance.now() - started;
page['__zabsimModel'] = model;
// Runs any other input with this page's engine and returns its trace hash (tests compare it with Node's).
page['__zabsimRunInput'] = (other: StudioInput): string => runStudioInput(other).hash;
page['__zabsimStudio'] = { hash: run.hash, lines: run.lines.length, exitCode: run.exitCode, verdicts: run.verdicts, runMs };
const status = document.getElementById('studio-status');
if (status !== null) {
  const failed = Object.entries(run.verdicts).filter(([, v]) => v !== 'ok');
  status.textContent =
    `ran in this page: ${run.lines.length} trace lines, trace hash ${run.hash}, exit code ${run.exitCode}; ` +
    (failed.length === 0 ? 'every checker ok' : `violated: ${failed.map(([k]) => k).join(', ')}`);
  status.className = failed.length === 0 ? 'good' : 'bad';
}
