// A Stryker ignorer for `npm run mutation --sample N` (test/mutation/run.ts): Stryker mutates every
// node inside a `mutate` range, so a drawn span that encloses other mutants (a block, a condition)
// would bring all of them along (300 drawn once became 1,152 run). This plugin ignores every AST node
// whose source range contains no drawn span; Stryker then neither places nor runs the mutants there.
//
// Why it never drops a drawn mutant: a drawn mutant sits on a node whose range equals its span, and
// every ancestor of that node contains the span, so neither that node nor any ancestor is ignored
// (Stryker's IgnorerBookkeeper ignores a node together with its descendants only). What may still
// run besides the drawn mutants: the other mutators' mutants on the same node, and the own mutants
// of a node that lies inside one drawn span and encloses another. run.ts scores the drawn mutants
// only, and stops with an internal error if one of them is missing from Stryker's results.
//
// The same file declares a checker, `zabsim-drawn-only-checker`, run before the TypeScript checker:
// it answers "compileError" with the reason NOT_DRAWN for every mutant that is not a drawn one (the
// other mutators' mutants on a drawn node), so Stryker never spends a fuzz sweep on a mutant the score
// leaves out (they were more than the drawn ones). It passes a mutant only by its exact name (file,
// 0-based line and column, mutator, replacement, as run.ts's mutantKey), and run.ts stops with an
// internal error if a drawn mutant ever comes back with this reason, so a mismatch cannot shrink the sample.
//
// Plain JavaScript: Stryker imports plugins itself, without the TypeScript loader run.ts has. The
// spans come from the file named by ZABSIM_MUTATION_DRAWN (written by run.ts), as 1-based lines and
// 0-based columns, like Babel's node.loc.
import { readFileSync } from 'node:fs';
import { PluginKind, declareClassPlugin, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** The reason the checker gives a mutant that was not drawn; run.ts looks for it. */
export const NOT_DRAWN = 'zabsim: not drawn, not run (npm run mutation --sample)';

/** The drawn mutants' names, from ZABSIM_MUTATION_DRAWN_KEYS: [file, "line:column:mutator:replacement"]. */
let keys = { file: '', byRest: new Map() };

function drawnKeys() {
  const file = process.env.ZABSIM_MUTATION_DRAWN_KEYS;
  if (file === undefined) throw new Error('drawn-only checker: ZABSIM_MUTATION_DRAWN_KEYS is not set');
  if (keys.file !== file) {
    const byRest = new Map();
    for (const [f, rest] of JSON.parse(readFileSync(file, 'utf8'))) byRest.set(rest, [...(byRest.get(rest) ?? []), f]);
    keys = { file, byRest };
  }
  return keys.byRest;
}

/** Whether a mutant Stryker placed is a drawn one. Stryker names files by absolute path, run.ts by project path. */
export function isDrawn(mutant) {
  const rest = `${mutant.location.start.line + 1}:${mutant.location.start.column}:${mutant.mutatorName}:${mutant.replacement ?? ''}`;
  const files = drawnKeys().get(rest) ?? [];
  const name = mutant.fileName.replaceAll('\\', '/');
  return files.some((f) => name === f || name.endsWith(`/${f}`));
}

class DrawnOnlyChecker {
  static inject = [];
  async init() {}
  async check(mutants) {
    return Object.fromEntries(mutants.map((m) => [m.id, isDrawn(m) ? { status: 'passed' } : { status: 'compileError', reason: NOT_DRAWN }]));
  }
}

/** The spans of the file last read, and its name: read again when the variable names another file. */
let cache = { file: '', spans: [] };

function drawnSpans() {
  const file = process.env.ZABSIM_MUTATION_DRAWN;
  if (file === undefined) throw new Error('drawn-only ignorer: ZABSIM_MUTATION_DRAWN is not set');
  if (cache.file !== file) cache = { file, spans: JSON.parse(readFileSync(file, 'utf8')) };
  return cache.spans;
}

const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Whether [outer] contains [inner] (both inclusive of their ends). */
const contains = (outer, inner) => before(outer.start, inner.start) && before(inner.end, outer.end);

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Checker, 'zabsim-drawn-only-checker', DrawnOnlyChecker),
  declareValuePlugin(PluginKind.Ignore, 'zabsim-drawn-only', {
    shouldIgnore(path) {
      const loc = path.node.loc;
      // A node without a location cannot be matched: keep it (running more is safe, dropping is not).
      if (loc === null || loc === undefined) return undefined;
      return drawnSpans().some((s) => contains(loc, s)) ? undefined : 'not drawn (npm run mutation --sample)';
    },
  }),
];
