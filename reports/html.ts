// One self-contained HTML report from a trace: an SVG space-time (Lamport) diagram drawn lazily by a
// small inline script from JSON embedded in the page, plus static verdicts, violations, narration and
// (when a capsule carries one) the minimal repro. No network, no timestamps: the same trace and
// inputs give the same bytes. Trace text only ever reaches the page escaped: as HTML-escaped static
// text, or as \u003c-escaped JSON that the viewer puts into the DOM with textContent.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { escapeHtml, jsonForScript } from './escape.js';
import { buildModel, type ReportModel, type StoryItem } from './model.js';
import { probesSection } from './probes-html.js';

export interface HtmlReportOptions {
  /** A capsule (path to a *.capsule.json, or its parsed object) whose repro and replay command are shown. */
  readonly capsule?: string | object;
  /** A minimal repro (shrunk script, steps), shown in its own section; overrides the capsule's. */
  readonly repro?: unknown;
  /** The scenario's description, shown under the title. */
  readonly description?: string;
  /** The scenario's name, for the title (a narrated scenario's trace only says `script`). */
  readonly title?: string;
}

const ASSET_DIR = new URL('./assets/', import.meta.url);
let assets: { js: string; css: string } | null = null;

export function loadAssets(): { js: string; css: string } {
  if (assets === null) {
    // labels.js defines the label placer that viewer.js draws every text label through.
    const js = ['labels.js', 'viewer.js'].map((file) => readFileSync(new URL(file, ASSET_DIR), 'utf8')).join('\n');
    const css = readFileSync(new URL('viewer.css', ASSET_DIR), 'utf8');
    if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('report assets must not contain </script or </style');
    assets = { js, css };
  }
  return assets;
}

/** Reads a trace and writes its HTML report. Returns the output path. */
export function writeHtmlReport(tracePath: string, outPath: string, options: HtmlReportOptions = {}): string {
  const model = buildModel(tracePath);
  const html = renderHtml(model, options);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, html);
  return outPath;
}

type Json = Record<string, unknown>;

function readCapsule(capsule: string | object | undefined): Json | null {
  if (capsule === undefined) return null;
  if (typeof capsule === 'string') {
    try {
      return JSON.parse(readFileSync(capsule, 'utf8')) as Json;
    } catch (error) {
      throw new Error(`cannot read capsule ${capsule}: ${(error as Error).message}`);
    }
  }
  return capsule as Json;
}

const CHECK = '\u2713';

function secs(t: number): string {
  return `${(t / 1e6).toFixed(3)}s`;
}

/** The whole page as a string. Deterministic for a given model and options. */
export function renderHtml(model: ReportModel, options: HtmlReportOptions = {}): string {
  const { js, css } = loadAssets();
  const scriptHash = createHash('sha256').update(js, 'utf8').digest('base64');
  const capsule = readCapsule(options.capsule);
  const failed = model.violations.length > 0 || (model.exitCode !== null && model.exitCode !== 0);
  const name = options.title ?? model.scenario;
  const title = `${name}: zabsim report (seed ${model.seed})`;
  const servers = model.lanes.filter((l) => l.kind === 'server').length;
  const observers = model.lanes.filter((l) => l.kind === 'observer').length;
  const clients = model.lanes.filter((l) => l.kind === 'client').length;
  const h = escapeHtml;
  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    `<body class="${failed ? 'failed' : 'passed'}">`,
    '<header class="top">',
    `<h1>zabsim <span class="scenario">${h(name)}</span> <span class="seed">seed ${h(model.seed)}</span> <span class="badge ${failed ? 'bad' : 'good'}">${failed ? 'FAILED' : 'PASSED'}</span></h1>`,
    `<p class="summary">${servers} servers${observers > 0 ? `, ${observers} observers` : ''}, ${clients} clients; ${model.lines} trace records, ${model.m.f.length} messages, ${secs(model.tEnd)} simulated${model.hash === '' ? '' : `; trace hash <code>${h(model.hash)}</code>`}${model.exitCode === null ? '' : `; exit code ${model.exitCode}`}</p>`,
  );
  if (options.description !== undefined && options.description !== '') parts.push(`<p class="description">${h(options.description)}</p>`);
  parts.push('</header>');

  parts.push('<section id="verdicts" class="panel"><h2>Verdicts</h2>');
  if (model.verdicts === null) {
    parts.push('<p class="muted">The trace has no verdicts record (the run did not finish).</p>');
  } else {
    parts.push('<ul class="verdicts">');
    for (const [name, verdict] of Object.entries(model.verdicts)) {
      const cls = verdict === 'ok' ? 'good' : verdict === 'violated' ? 'bad' : 'warn';
      const mark = verdict === 'ok' ? CHECK : verdict === 'violated' ? '\u2716' : '?';
      parts.push(`<li class="${cls}"><span class="mark">${mark}</span> ${h(name)} <span class="verdict">${h(String(verdict))}</span></li>`);
    }
    parts.push('</ul>');
    if (model.liveness !== null) parts.push(`<p class="liveness">liveness: ${h(model.liveness)}</p>`);
  }
  if (model.violations.length > 0) {
    parts.push('<h3>Violations</h3><ol class="violations">');
    model.violations.forEach((v, i) => {
      parts.push(
        `<li><button type="button" class="jump" data-t="${v.at}" data-v="${i}">${h(secs(v.at))}</button> <b>${h(v.checker)}</b> at ${h(laneLabel(model, v.node))}: ${h(v.message)}</li>`,
      );
    });
    parts.push('</ol>');
  }
  parts.push('</section>');

  const capsulePath = typeof options.capsule === 'string' ? options.capsule : undefined;
  const repro = options.repro ?? capsule?.['repro'] ?? capsule?.['minimal'] ?? capsule?.['shrunk'] ?? fuzzSteps(capsule);
  if (capsule !== null || repro !== undefined) parts.push(reproSection(model, capsule, repro, capsulePath));
  const probes = probesSection(capsule);
  if (probes !== null) parts.push(probes);

  parts.push(viewerSection());

  parts.push('<section id="narration" class="panel"><h2>Narration</h2>');
  if (model.story.length === 0) parts.push('<p class="muted">Nothing happened worth telling: no faults, leaders or violations.</p>');
  parts.push('<ol class="story">');
  for (const item of model.story) parts.push(storyLine(model, item));
  parts.push('</ol>');
  if (model.storyOmitted > 0) parts.push(`<p class="muted">… and ${model.storyOmitted} more lines (see the trace).</p>`);
  parts.push('</section>');

  parts.push(
    `<footer class="muted">Generated by zabsim from the trace (version ${model.version} report model). Scroll the diagram, click to set the moment, hover for details.</footer>`,
    `<script type="application/json" id="zabsim-data">${jsonForScript(model)}</script>`,
    `<script>${js}</script>`,
    '</body>',
    '</html>',
    '',
  );
  return parts.join('\n');
}

/** The space-time viewer's markup (filled in by assets/viewer.js); the studio page shows it too. */
export function viewerSection(extraSide = ''): string {
  return [
    '<section id="viewer" class="panel">',
    '<h2>Space-time diagram</h2>',
    '<noscript><p class="muted">The diagram needs JavaScript; the verdicts and narration above and below are plain HTML.</p></noscript>',
    '<div id="controls" class="controls"></div>',
    '<div class="workspace">',
    '<div class="diagram-wrap"><div id="lane-head" class="lane-head"></div><div id="scroller" class="scroller" tabindex="0"><div id="spacer" class="spacer"></div><div id="narr-layer" class="narr-layer"></div><svg id="diagram" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="space-time diagram"></svg></div><div id="tooltip" class="tooltip" hidden></div></div>',
    '<aside class="side">',
    '<div class="box"><h3>State at <span id="moment-label">0.000s</span></h3><div id="moment-controls"></div><table id="state-table" class="state"></table></div>',
    '<div class="box"><h3>In flight at the moment</h3><ul id="inflight" class="inflight"></ul></div>',
    extraSide,
    '<div class="box"><h3>Selected</h3><div id="selected" class="selected muted">Click an arrow or an event.</div></div>',
    '<div class="box"><h3>Notes in view</h3><ol id="notes" class="notes"></ol></div>',
    '</aside>',
    '</div>',
    legend(),
    '</section>',
  ].join('\n');
}

function laneLabel(model: ReportModel, node: number): string {
  return model.lanes.find((l) => l.id === node)?.label ?? (node === 0 ? 'cluster' : `n${node}`);
}

function storyLine(model: ReportModel, item: StoryItem): string {
  const who = item.node > 0 ? ` data-node="${item.node}"` : '';
  return `<li class="story-${item.kind}"${who}><button type="button" class="jump" data-t="${item.t}">${escapeHtml(secs(item.t))}</button> ${escapeHtml(item.text)}</li>`;
}

const FUZZ_CAPSULE = 'zabsim-fuzz-capsule';

/** A fuzz capsule's own step list (its fault plan, workload and liveness core) as the repro. */
function fuzzSteps(capsule: Json | null): Json | undefined {
  if (capsule?.['kind'] !== FUZZ_CAPSULE || !Array.isArray(capsule['steps'])) return undefined;
  return { summary: `Failure: ${String(capsule['detail'] ?? capsule['failure'])}`, steps: capsule['steps'] };
}

/** How to re-run what the report shows: a fuzz capsule replays by meaning, a run re-runs by seed. */
function replayCommand(model: ReportModel, capsule: Json | null, capsulePath: string | undefined): string {
  if (typeof capsule?.['command'] === 'string') return capsule['command'];
  if (capsule?.['kind'] === FUZZ_CAPSULE) {
    if (capsulePath !== undefined) return `npx zabsim replay ${capsulePath}`;
    const c = (capsule['case'] ?? {}) as Json;
    const mutants = Array.isArray(c['mutants']) ? (c['mutants'] as unknown[]) : [];
    return `npx zabsim fuzz --profile ${String(c['profile'])} --start ${String(capsule['fuzzSeed'])} --seeds 1${mutants.length === 1 ? ` --mutant ${String(mutants[0])}` : ''}`;
  }
  const opts = (capsule?.['options'] ?? model.options ?? {}) as Json;
  return `npx zabsim run ${String(opts['scenario'] ?? model.scenario)} --seed ${String(opts['seed'] ?? model.seed)}`;
}

function reproSection(model: ReportModel, capsule: Json | null, repro: unknown, capsulePath: string | undefined): string {
  const h = escapeHtml;
  const out: string[] = ['<section id="repro" class="panel"><h2>Minimal repro</h2>'];
  out.push(`<p>Replay: <code class="cmd">${h(replayCommand(model, capsule, capsulePath))}</code></p>`);
  if (capsulePath !== undefined) out.push(`<p>Capsule: <code class="capsule">${h(capsulePath)}</code></p>`);
  if (capsulePath !== undefined && capsule?.['kind'] === FUZZ_CAPSULE && !capsulePath.endsWith('.shrunk.capsule.json')) {
    out.push(`<p>Shrink it: <code>${h(`npx zabsim shrink ${capsulePath}`)}</code></p>`);
  }
  if (typeof capsule?.['trace'] === 'string') out.push(`<p>Trace: <code>${h(capsule['trace'])}</code></p>`);
  if (repro === undefined) {
    out.push('<p class="muted">The capsule carries no shrunk repro; the replay command above reproduces the full run.</p>');
  } else if (typeof repro === 'string') {
    out.push(`<pre class="repro">${h(repro)}</pre>`);
  } else {
    const r = repro as Json;
    const steps = Array.isArray(r['steps']) ? (r['steps'] as unknown[]) : Array.isArray(repro) ? (repro as unknown[]) : null;
    if (typeof r['summary'] === 'string') out.push(`<p>${h(r['summary'])}</p>`);
    if (steps !== null) {
      out.push('<ol class="repro-steps">');
      for (const s of steps) out.push(`<li>${h(typeof s === 'string' ? s : JSON.stringify(s))}</li>`);
      out.push('</ol>');
    }
    if (typeof r['script'] === 'string') out.push(`<pre class="repro">${h(r['script'])}</pre>`);
    if (steps === null && typeof r['script'] !== 'string') out.push(`<pre class="repro">${h(JSON.stringify(repro, null, 2))}</pre>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function legend(): string {
  // Okabe–Ito colours; every meaning also has a shape or a dash pattern, so colour is never the only cue.
  const item = (svg: string, text: string): string => `<li><svg width="34" height="16" aria-hidden="true">${svg}</svg>${escapeHtml(text)}</li>`;
  return [
    '<ul class="legend" aria-label="legend">',
    item('<rect x="12" y="0" width="10" height="16" class="band-LEADING"/>', 'leading (band on lane)'),
    item('<rect x="12" y="0" width="10" height="16" class="band-FOLLOWING"/>', 'following'),
    item('<rect x="12" y="0" width="10" height="16" class="band-OBSERVING"/>', 'observing'),
    item('<rect x="12" y="0" width="10" height="16" class="band-LOOKING"/>', 'looking (election)'),
    item('<rect x="12" y="0" width="10" height="16" class="down-0"/>', 'crashed'),
    item('<rect x="0" y="2" width="34" height="12" class="net"/>', 'network partitioned'),
    item('<line x1="2" y1="8" x2="30" y2="8" class="msg fam-election"/>', 'election'),
    item('<line x1="2" y1="8" x2="30" y2="8" class="msg fam-sync"/>', 'discovery and sync'),
    item('<line x1="2" y1="8" x2="30" y2="8" class="msg fam-broadcast"/>', 'broadcast'),
    item('<line x1="2" y1="8" x2="30" y2="8" class="msg fam-client"/>', 'client'),
    item('<line x1="2" y1="8" x2="30" y2="8" class="msg fam-heartbeat"/>', 'heartbeat'),
    item('<line x1="2" y1="8" x2="24" y2="8" class="msg dropped fam-broadcast"/><path d="M24 4l6 8M30 4l-6 8" class="cross"/>', 'dropped'),
    item('<circle cx="17" cy="8" r="3.5" class="ev ev-commit"/>', 'commit'),
    item('<rect x="13.5" y="4.5" width="7" height="7" transform="rotate(45 17 8)" class="ev ev-propose"/>', 'propose'),
    item('<circle cx="17" cy="8" r="3.5" class="ev ev-note"/>', 'note'),
    item('<path d="M17 1l2.2 4.6 5 .7-3.6 3.5.9 5-4.5-2.4-4.5 2.4.9-5-3.6-3.5 5-.7z" class="violation-mark"/>', 'violation'),
    '</ul>',
  ].join('');
}
