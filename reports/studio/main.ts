// The studio page's bootstrap (bundled for the browser by page.ts): reads the input the page
// carries, runs the simulator in the page, and hands the report model to the viewer, which runs
// right after this script; once the viewer has drawn, it calls back (__zabsimViewerReady) and the
// studio's own panels (ui.ts) follow its cursor. window.__zabsimStudio exposes the run (trace hash,
// lines) for tests.
import { page } from './dom.js';
import { runStudioInput, studioModel, type StudioInput } from './engine.js';
import { LessonUi } from './lesson-ui.js';
import { lessonFor } from './lessons.js';
import { StudioSession } from './session.js';
import { StudioUi, type ViewerApi } from './ui.js';

const document = page.document;
const started = performance.now();
const input = JSON.parse(document.getElementById('zabsim-input')?.textContent ?? 'null') as StudioInput;
const run = runStudioInput(input);
const model = studioModel(run);
const runMs = performance.now() - started;
const session = new StudioSession(input, run, model);
page['__zabsimModel'] = model;
page['__zabsimSession'] = session;
// Runs any other input with this page's engine and returns its trace hash (tests compare it with Node's).
page['__zabsimRunInput'] = (other: StudioInput): string => runStudioInput(other).hash;
page['__zabsimStudio'] = { hash: run.hash, lines: run.lines.length, exitCode: run.exitCode, verdicts: run.verdicts, runMs };
page['__zabsimViewerReady'] = (viewer: ViewerApi): void => {
  const ui = new StudioUi(session, viewer);
  page['__zabsimUi'] = ui;
  page['__zabsimMomentHook'] = (t: number): void => ui.onMoment(t);
  const lesson = lessonFor(input.name);
  if (lesson !== undefined) {
    const lessonUi = new LessonUi(lesson, session, viewer);
    page['__zabsimLesson'] = lessonUi;
    ui.listen((t) => lessonUi.draw(t));
  }
  ui.onMoment(viewer.moment());
  ui.drawBranches();
};
const status = document.getElementById('studio-status');
if (status !== null) {
  const failed = Object.entries(run.verdicts).filter(([, v]) => v !== 'ok');
  status.textContent =
    `ran in this page: ${run.lines.length} trace lines, trace hash ${run.hash}, exit code ${run.exitCode}; ` +
    (failed.length === 0 ? 'every checker ok' : `violated: ${failed.map(([k]) => k).join(', ')}`);
  status.className = failed.length === 0 ? 'good' : 'bad';
}
