// The studio page's bootstrap (bundled for the browser by page.ts): reads the input the page
// carries, runs the simulator in the page, and hands the report model to the viewer, which runs
// right after this script; once the viewer has drawn, it calls back (__zabsimViewerReady) and the
// studio's own panels (ui.ts) follow its cursor. window.__zabsimStudio exposes the run (trace hash,
// lines) for tests.
//
// A long run is painted before it is simulated to its end: the page runs its first events, draws
// them (the studio opens at the start, so they fill the window), and simulates the rest in slices
// between frames; then it builds the whole model and draws the viewer again on it, keeping the
// cursor and the scroll position. html[data-complete="1"] says the whole run is in.
import { page, type StudioElement } from './dom.js';
import { startStudioInput, studioModel, type StudioInput, type StudioRun } from './engine.js';
import { LessonUi } from './lesson-ui.js';
import { lessonFor } from './lessons.js';
import { StudioSession } from './session.js';
import { StudioUi, type ViewerApi } from './ui.js';

/** Kernel events simulated before the first paint: more than the opening window shows. */
const FIRST_PAINT_EVENTS = 600;
/** Kernel events per advance between the clock checks of a background slice. */
const SLICE_STEP_EVENTS = 250;
/** A background slice yields to the page after this long, so scrolling stays smooth. */
const SLICE_MS = 40;

interface ViewerElement extends StudioElement {
  cloneNode(deep: boolean): ViewerElement;
  replaceWith(other: ViewerElement): void;
}

const document = page.document;
const nextFrame = (callback: () => void): void => (page['requestAnimationFrame'] as (callback: () => void) => void).call(page, callback);
const root = (document as unknown as { documentElement: StudioElement }).documentElement;
const started = performance.now();
const input = JSON.parse(document.getElementById('zabsim-input')?.textContent ?? 'null') as StudioInput;
const running = startStudioInput(input);
// The viewer's section as the page has it, before the viewer fills it: a later draw starts from a copy.
const viewerTemplate = (document.getElementById('viewer') as ViewerElement | null)?.cloneNode(true) ?? null;
let viewer: ViewerApi | null = null;
let session: StudioSession | null = null;

// Runs any other input with this page's engine and returns its trace hash (tests compare it with Node's).
page['__zabsimRunInput'] = (other: StudioInput): string => startStudioInput(other).finish().hash;
page['__zabsimViewerReady'] = (api: ViewerApi): void => {
  const first = viewer === null;
  viewer = api;
  if (session !== null) attachPanels(session, api);
  // The rest of a long run is simulated after the diagram's first frame is on screen (not from
  // this script: the parser may yield before the viewer's script runs, and a slice would delay it).
  else if (first)
    nextFrame(() => {
      performance.mark('zabsim:first-frame');
      setTimeout(simulateRest, 0);
    });
};

// Marks for profiling the page (the studio bench reads them): where its first paint's time goes.
performance.mark('zabsim:start');
const firstOver = running.advance(FIRST_PAINT_EVENTS);
performance.mark('zabsim:first-events');
if (firstOver) {
  complete(running.finish());
} else {
  page['__zabsimModel'] = studioModel({ lines: running.lines, hash: '' });
  performance.mark('zabsim:first-model');
  page['__zabsimStudio'] = { hash: '', lines: running.lines.length, complete: false };
  // What the first paint drew (tests compare it with the whole run).
  page['__zabsimFirstPaint'] = { lines: running.lines.length, events: running.events() };
  showStatus(`simulating in this page: ${running.events()} kernel events so far…`, 'muted');
  const fork = document.getElementById('fork');
  if (fork !== null) fork.textContent = 'Forking opens once the whole run is simulated, in a moment.';
}

/** One slice of the rest of the run; schedules the next, or completes the run. */
function simulateRest(): void {
  const sliceStart = performance.now();
  let over = false;
  while (!over && performance.now() - sliceStart < SLICE_MS) over = running.advance(SLICE_STEP_EVENTS);
  if (!over) {
    showStatus(`simulating in this page: ${running.events()} kernel events so far…`, 'muted');
    setTimeout(simulateRest, 0);
    return;
  }
  complete(running.finish());
  // The viewer drew the run's start; it draws again on the whole model, where the student was.
  const old = document.getElementById('viewer') as ViewerElement | null;
  if (viewer !== null && old !== null && viewerTemplate !== null) {
    const start = { moment: viewer.moment(), scrollTop: viewer.scrollTop() };
    viewer.dispose();
    old.replaceWith(viewerTemplate.cloneNode(true));
    (page['__zabsimViewer'] as (model: unknown, start: unknown) => void)(page['__zabsimModel'], start);
  }
  root.setAttribute('data-complete', '1');
}

/** The whole run is in: its model, its session and its summary. */
function complete(run: StudioRun): void {
  const model = studioModel(run);
  const runMs = performance.now() - started;
  session = new StudioSession(input, run, model);
  page['__zabsimModel'] = model;
  page['__zabsimSession'] = session;
  page['__zabsimStudio'] = { hash: run.hash, lines: run.lines.length, exitCode: run.exitCode, verdicts: run.verdicts, runMs, complete: true };
  const failed = Object.entries(run.verdicts).filter(([, v]) => v !== 'ok');
  showStatus(
    `ran in this page: ${run.lines.length} trace lines, trace hash ${run.hash}, exit code ${run.exitCode}; ` +
      (failed.length === 0 ? 'every checker ok' : `violated: ${failed.map(([k]) => k).join(', ')}`),
    failed.length === 0 ? 'good' : 'bad',
  );
  root.setAttribute('data-complete', '1');
}

/** The studio's own panels, on the viewer's cursor: the state details, the fork panel, a lesson. */
function attachPanels(s: StudioSession, api: ViewerApi): void {
  const ui = new StudioUi(s, api);
  page['__zabsimUi'] = ui;
  page['__zabsimMomentHook'] = (t: number): void => ui.onMoment(t);
  const lesson = lessonFor(input.name);
  if (lesson !== undefined) {
    const lessonUi = new LessonUi(lesson, s, api);
    page['__zabsimLesson'] = lessonUi;
    ui.listen((t) => lessonUi.draw(t));
  }
  ui.onMoment(api.moment());
  ui.drawBranches();
}

function showStatus(text: string, className: string): void {
  const status = document.getElementById('studio-status');
  if (status === null) return;
  status.textContent = text;
  status.className = className;
}
