// Proves Zab stands alone under the ZooKeeper service: no file in protocol/zab/ imports from
// protocol/service/, protocol/tree/, protocol/client/, protocol/kv/ or protocol/node/ (import and
// export-from statements, type-only ones included, parsed by TypeScript's pre-processor).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { importSpecifiers, resolveImport, sourceFiles } from './support/import-graph.js';

const PROTOCOL = fileURLToPath(new URL('../protocol/', import.meta.url));
const ZAB = fileURLToPath(new URL('../protocol/zab/', import.meta.url));
/** The layers above Zab: the ZooKeeper service, its data tree, the clients, the kv application and the composition roots. */
const ABOVE_ZAB = ['service/', 'tree/', 'client/', 'kv/', 'node/'];

function forbiddenImports(file: string, source: string): string[] {
  return importSpecifiers(source)
    .map((spec) => ({ spec, target: resolveImport(file, spec) }))
    .filter(({ target }) => target !== null && ABOVE_ZAB.some((dir) => relative(PROTOCOL, target).startsWith(dir)))
    .map(({ spec }) => `${relative(PROTOCOL, file)}: ${spec}`);
}

test('protocol/zab/ imports nothing from the layers above it', () => {
  const files = sourceFiles(ZAB);
  expect(files.length).toBeGreaterThan(10);
  expect(files.flatMap((file) => forbiddenImports(file, readFileSync(file, 'utf8')))).toEqual([]);
});

test('the guard catches every import form, type-only and re-exports included', () => {
  const file = `${ZAB}leader.ts`;
  const sample = [
    "import { submit } from '../service/server.js';",
    "import type { DataTree } from '../tree/index.js';",
    "export { zkClient } from '../client/zk-client.js';",
    "import '../kv/clients.js';",
    "import { Fx } from './effects.js';",
    "import { assert } from '../assert.js';",
  ].join('\n');
  expect(forbiddenImports(file, sample)).toEqual([
    'zab/leader.ts: ../service/server.js',
    'zab/leader.ts: ../tree/index.js',
    'zab/leader.ts: ../client/zk-client.js',
    'zab/leader.ts: ../kv/clients.js',
  ]);
});
