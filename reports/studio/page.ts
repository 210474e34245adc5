// Writes a studio page: ONE self-contained HTML file that carries the simulator itself (protocol/,
// the kernel, the script interpreter and the report model, bundled for the browser by esbuild, with
// shims/ standing in for node:crypto, node:fs and node:perf_hooks) and the input to run. Opening it
// runs the simulation in the page (main.ts) and draws it with the report's viewer. Nothing is
// loaded from outside: the Content-Security-Policy allows no connection, only the page's own scripts.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { escapeHtml, jsonForScript } from '../escape.js';
import { loadAssets, viewerSection } from '../html.js';
import type { StudioInput } from './engine.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const SHIMS: Record<string, string> = {
  'node:crypto': fileURLToPath(new URL('./shims/node-crypto.ts', import.meta.url)),
  'node:fs': fileURLToPath(new URL('./shims/node-fs.ts', import.meta.url)),
  'node:perf_hooks': fileURLToPath(new URL('./shims/node-perf-hooks.ts', import.meta.url)),
};

let bundle: string | null = null;
let css: string | null = null;

function studioCss(): string {
  if (css === null) {
    css = readFileSync(new URL('../assets/studio.css', import.meta.url), 'utf8');
    if (/<\/style/i.test(css)) throw new Error('studio.css must not contain </style');
  }
  return css;
}

/** The engine bundled for the browser (built once per process; esbuild's output is deterministic). */
export function engineBundle(): string {
  if (bundle === null) {
    const result = buildSync({
      entryPoints: [MAIN],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      // node: modules resolve to the browser stand-ins; any other node: import fails the build.
      alias: SHIMS,
      external: [],
      logLevel: 'silent',
    });
    const js = result.outputFiles[0]?.text ?? '';
    if (/<\/script/i.test(js)) throw new Error('the studio bundle must not contain </script');
    bundle = js;
  }
  return bundle;
}

function scriptHash(js: string): string {
  return `'sha256-${createHash('sha256').update(js, 'utf8').digest('base64')}'`;
}

/** The studio's boxes beside the diagram: the lesson, then each server's log and data, and the clients' pending calls. */
const STUDIO_SIDE = [
  '<div class="box" id="lesson-box" hidden><h3>Lesson <span id="lesson-progress"></span></h3><div id="lesson"></div></div>',
  '<div class="box"><h3>Servers: log tail and data</h3><div id="server-detail" class="server-detail"></div></div>',
  '<div class="box"><h3>Clients waiting</h3><ul id="client-pending" class="inflight"></ul></div>',
].join('\n');

/** The fork panel and the branch list, below the diagram. */
const STUDIO_FORK = [
  '<section id="studio-fork" class="panel fork-panel">',
  '<div class="box"><h2>Fork at the moment</h2><div id="fork"></div></div>',
  '<div class="box"><h2>Branches</h2><ol id="branches" class="branches"></ol></div>',
  '</section>',
].join('\n');

/** The whole studio page as a string. Deterministic for a given input. */
export function renderStudio(input: StudioInput): string {
  const { js: viewer, css: viewerCss } = loadAssets();
  const css = `${viewerCss}\n${studioCss()}`;
  const engine = engineBundle();
  const h = escapeHtml;
  const title = `${input.name}: zabsim studio`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptHash(engine)} ${scriptHash(viewer)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body class="studio">',
    '<header class="top">',
    `<h1>zabsim studio <span class="scenario">${h(input.name)}</span></h1>`,
    input.description === '' ? '' : `<p class="description">${h(input.description)}</p>`,
    '<p id="studio-status" class="muted">running the simulation in this page…</p>',
    '</header>',
    viewerSection(STUDIO_SIDE),
    STUDIO_FORK,
    '<footer class="muted">The simulator runs in this page, from the input below; the same input gives the same trace hash as <code>zabsim run</code>.</footer>',
    `<script type="application/json" id="zabsim-input">${jsonForScript(input)}</script>`,
    `<script>${engine}</script>`,
    `<script>${viewer}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function writeStudio(input: StudioInput, outPath: string): string {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, renderStudio(input));
  return outPath;
}
