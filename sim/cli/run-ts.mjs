// `node sim/cli/run-ts.mjs <entry.ts> [args]`: runs any TypeScript entry point (npm run bench uses it)
// the way the CLI runs, as a cached bundle; the entry then sees itself as process.argv[1].
import { resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureYoungGeneration, launch } from './launch.mjs';

ensureYoungGeneration();

const entry = process.argv[2];
if (entry === undefined) {
  process.stderr.write('usage: node sim/cli/run-ts.mjs <entry.ts> [args]\n');
  process.exit(2);
}
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
process.argv.splice(1, 2, resolve(entry));
await launch(relative(root, resolve(entry)));
