// Coverage probes in HTML: the section a fuzz capsule's report shows (which protocol situations its
// run reached), and a small standalone page for a whole sweep (`zabsim fuzz --coverage FILE.html`:
// per probe, the seeds that reached it). Kept apart from html.ts, which draws the trace.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROBES } from '../sim/fuzz/probes/registry.js';
import { escapeHtml as h } from './escape.js';

/** The capsule's probes as a report section, or null when the capsule lists none (older capsules). */
export function probesSection(capsule: Readonly<Record<string, unknown>> | null): string | null {
  const reached = capsule?.['probes'];
  if (!Array.isArray(reached)) return null;
  const set = new Set(reached.map(String));
  const items = PROBES.filter((p) => set.has(p.name)).map((p) => `<li><code>${h(p.name)}</code> <span class="muted">${h(p.what)}</span></li>`);
  return [
    '<section id="probes" class="panel">',
    `<h2>Coverage probes reached (${set.size} of ${PROBES.length})</h2>`,
    items.length === 0 ? '<p class="muted">None.</p>' : `<ul class="probes">${items.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

/** A sweep's coverage as a self-contained page: every declared probe, its level and its seed count. */
export function renderCoverageHtml(title: string, seeds: number, probes: Readonly<Record<string, number>>): string {
  const rows = PROBES.map((p) => {
    const n = probes[p.name] ?? 0;
    return `<tr class="${n === 0 ? 'never' : ''}"><td><code>${h(p.name)}</code></td><td>${p.level}</td><td class="n">${n}</td><td>${h(p.what)}</td></tr>`;
  });
  const reached = PROBES.filter((p) => (probes[p.name] ?? 0) > 0).length;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${h(title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}tr.never td{color:#b00020;font-weight:bold}</style>',
    '</head><body>',
    `<h1>${h(title)}</h1>`,
    `<p>${reached} of ${PROBES.length} declared probes reached over ${seeds} seeds. A red row never fired.</p>`,
    '<table><thead><tr><th>probe</th><th>needs</th><th>seeds</th><th>situation</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}

export function writeCoverageHtml(path: string, title: string, seeds: number, probes: Readonly<Record<string, number>>): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderCoverageHtml(title, seeds, probes));
  return path;
}
