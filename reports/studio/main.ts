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
//
// A branch is shown the same way: the page re-runs the input to the fork's moment, applies the
// interventions, runs a first window past it and draws the viewer on that at once (the student sees
// the branch leave the original); the rest is simulated in slices, then compared with the original,
// and the viewer draws the whole branch, keeping the cursor.
import { page, type StudioElement } from './dom.js';
import { startStudioInput, studioModel, type StudioInput, type StudioRun } from './engine.js';
import { LessonUi } from './lesson-ui.js';
import { lessonFor } from './lessons.js';
import type { StudioFork } from './fork.js';
import { RunView } from './run-view.js';
import { StudioSession, type BranchRunning } from './session.js';
import { StudioUi, type BranchStarted, type StudioHost, type ViewerApi } from './ui.js';

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
/** The run the viewer shows: 0 the original, else a branch's id; and its panels' view of it. */
let viewing = 0;
let view: RunView | null = null;
/** Branches' views, made when first shown (a whole branch's model costs as much as the original's). */
const branchViews = new Map<number, RunView>();

// Runs any other input with this page's engine and returns its trace hash (tests compare it with Node's).
page['__zabsimRunInput'] = (other: StudioInput): string => startStudioInput(other).finish().hash;
page['__zabsimViewerReady'] = (api: ViewerApi): void => {
  const first = viewer === null;
  viewer = api;
  if (session !== null) attachPanels(session, view ?? session, api);
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
  if (session !== null) redraw(0, session, viewer?.moment() ?? 0);
  root.setAttribute('data-complete', '1');
}

/** Draws the viewer again, on another run or more of one, at moment t; the panels follow (__zabsimViewerReady). */
function redraw(id: number, runView: RunView, t: number): void {
  const old = document.getElementById('viewer') as ViewerElement | null;
  if (viewer === null || old === null || viewerTemplate === null) return;
  const start = { moment: t, scrollTop: viewer.scrollTop() };
  viewing = id;
  view = runView;
  // What the viewer shows (tests read it): the run and the end of what of it is simulated so far.
  page['__zabsimShown'] = { id, tEnd: runView.model.tEnd };
  viewer.dispose();
  old.replaceWith(viewerTemplate.cloneNode(true));
  (page['__zabsimViewer'] as (model: unknown, start: unknown) => void)(runView.model, start);
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
function attachPanels(s: StudioSession, runView: RunView, api: ViewerApi): void {
  const ui = new StudioUi(s, runView, viewing, api, host);
  page['__zabsimUi'] = ui;
  page['__zabsimMomentHook'] = (t: number): void => ui.onMoment(t);
  const lesson = viewing === 0 ? lessonFor(input.name) : undefined;
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

/** The page's side of the panels: branches started, simulated in slices and shown. */
const host: StudioHost = {
  startBranch(fork: StudioFork, name?: string): BranchStarted {
    const s = session as StudioSession;
    const b = s.startFork(fork, name);
    // The branch is the original up to the moment; its first window runs on past the interventions.
    let over = false;
    performance.mark('zabsim:branch-start');
    while (!over && b.running.nowUs() <= fork.atUs) over = b.running.advance(SLICE_STEP_EVENTS);
    performance.mark('zabsim:branch-at-moment');
    if (!over) over = b.running.advance(FIRST_PAINT_EVENTS);
    performance.mark('zabsim:branch-first-events');
    if (over || b.running.lines.length === 0) {
      // Over already (or its trace is rebuilt from the start, engine.ts): the whole branch, at once.
      const branch = s.completeFork(b);
      redraw(branch.id, branchView(branch.id, branch.run), fork.atUs);
      const shown = new Promise<number>((resolve) => nextFrame(() => setTimeout(() => resolve(performance.now()), 0)));
      return { id: branch.id, painted: shown, done: shown };
    }
    showRunning(b, fork.atUs);
    performance.mark('zabsim:branch-first-window');
    let ended: (at: number) => void = () => {};
    const done = new Promise<number>((resolve) => (ended = resolve));
    const painted = new Promise<number>((resolve) =>
      nextFrame(() =>
        setTimeout(() => {
          resolve(performance.now());
          setTimeout(() => simulateBranch(b, ended), 0);
        }, 0),
      ),
    );
    return { id: b.id, painted, done };
  },
  show(id: number): void {
    const s = session as StudioSession;
    const t = viewer?.moment() ?? 0;
    if (id === 0) return redraw(0, s, t);
    const whole = s.branches.find((b) => b.id === id);
    if (whole !== undefined) return redraw(id, branchView(id, whole.run), t);
    const b = s.running.get(id);
    if (b !== undefined) showRunning(b, t);
  },
};

/** Shows a branch still being simulated, as far as it has run. */
function showRunning(b: BranchRunning, t: number): void {
  const lines = b.running.lines;
  const model = studioModel({ lines, hash: '' });
  performance.mark('zabsim:branch-model');
  const runView = new RunView(b.running.recorder(), lines, model);
  performance.mark('zabsim:branch-view');
  redraw(b.id, runView, t);
}

function branchView(id: number, run: StudioRun): RunView {
  let v = branchViews.get(id);
  if (v === undefined) {
    v = new RunView(run.recorder, run.lines, studioModel(run));
    branchViews.set(id, v);
  }
  return v;
}

/** One slice of a branch; the next, or the comparison with the original once it ends. */
function simulateBranch(b: BranchRunning, done: (at: number) => void): void {
  const s = session as StudioSession;
  const sliceStart = performance.now();
  let over = false;
  while (!over && performance.now() - sliceStart < SLICE_MS) over = b.running.advance(SLICE_STEP_EVENTS);
  if (!over) {
    (page['__zabsimUi'] as StudioUi | undefined)?.drawBranches();
    setTimeout(() => simulateBranch(b, done), 0);
    return;
  }
  const branch = s.completeFork(b);
  // The viewer draws the whole branch if the student is looking at it; the list shows the comparison.
  if (viewing === branch.id) redraw(branch.id, branchView(branch.id, branch.run), viewer?.moment() ?? 0);
  else (page['__zabsimUi'] as StudioUi | undefined)?.drawBranches();
  done(performance.now());
}
