// Writes a studio page: ONE self-contained HTML file that carries the simulator itself (protocol/,
// the kernel, the script interpreter and the report model, bundled for the browser by esbuild, with
// shims/ standing in for node:crypto, node:fs and node:perf_hooks) and the input to run. Opening it
// runs the simulation in the page (main.ts) and draws it with the report's viewer. Nothing is
// loaded from outside: the Content-Security-Policy allows no connection, only the page's own scripts.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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

/** The whole studio page as a string. Deterministic for a given input. */
export function renderStudio(input: StudioInput): string {
  const { js: viewer, css } = loadAssets();
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
    viewerSection(),
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
