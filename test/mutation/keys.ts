// Prints the classification key of every mutant Stryker would place in the given files (or only
// those on one line: `--line N`, 1-based), for writing test/mutation/classified/*.json by hand.
// Usage: npx tsx test/mutation/keys.ts protocol/zab/election.ts [--line 355]
import { readFileSync } from 'node:fs';
import { enumerateMutants } from './enumerate.js';
import { classificationKey } from './report.js';

const args = process.argv.slice(2);
const lineAt = args.indexOf('--line');
const line = lineAt === -1 ? null : Number(args[lineAt + 1]);
const files = args.filter((a, i) => a !== '--line' && (lineAt === -1 || i !== lineAt + 1));
if (files.length === 0 || (line !== null && !Number.isInteger(line))) {
  process.stderr.write('keys: expected FILE... [--line N]\n');
  process.exit(2);
}
const sources = files.map((name) => ({ name, content: readFileSync(name, 'utf8') }));
const text = new Map(sources.map((f) => [f.name, f.content]));
for (const m of await enumerateMutants(sources)) {
  if (line !== null && m.location.start.line + 1 !== line) continue;
  process.stdout.write(`${m.fileName}:${m.location.start.line + 1}:${m.location.start.column}\t${classificationKey(m, text.get(m.fileName) ?? '')}\n`);
}
