// The service and client reducers are pure: every state and event they are handed in a faulty run is
// deep-frozen first, so any mutation throws; two runs of one seed give identical observations; and
// protocol/service and protocol/client import no clock, randomness, I/O or simulator code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { NodeProgram } from '../../protocol/program.js';
import { zkClientProgram } from '../../protocol/client/zk-client.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { create, getData, run, setData } from './helpers.js';
import type { NodeId } from '../../protocol/program.js';

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}

// Wraps programs of any state and message type; the wrapper only freezes what passes through.
function frozen(program: NodeProgram<any, any, any, any, any>): NodeProgram<any, any, any, any, any> {
  return { ...program, step: (state, event) => program.step(deepFreeze(state), deepFreeze(event)) };
}

function workload(seed: string, freeze: boolean): string[] {
  const h = new ServiceHarness(
    serviceOptions(seed, {
      faults: [
        { atMs: 1500, type: 'crash', target: 'leader' },
        { atMs: 4000, type: 'restart', target: 'all-down' },
        { atMs: 5000, type: 'partition', mode: 'isolate', target: 'follower' },
        { atMs: 7000, type: 'heal' },
      ],
    }),
    freeze ? (_servers, configFor) => frozen(zkClientProgram(configFor)) : undefined,
  );
  if (freeze) {
    // Servers too: wrap the program the kernel runs for each server.
    const nodes = (h.kernel as unknown as { nodes: Map<NodeId, { program: NodeProgram<unknown, unknown, unknown, unknown, unknown> }> }).nodes;
    for (const id of h.servers) {
      const node = nodes.get(id);
      if (node !== undefined) node.program = frozen(node.program);
    }
  }
  h.settle();
  const [a, b] = h.clients as [NodeId, NodeId];
  for (let i = 0; i < 40; i++) {
    h.call(a, i % 5 === 0 ? create(`/n${i}`, 'EPHEMERAL') : setData('/', String(i)));
    h.call(b, getData('/', i % 2 === 0));
    h.runFor(250);
  }
  run(h, a, { type: 'sync', path: '/' });
  h.runFor(3000);
  return h.observed.map((o) => `${o.atUs} ${o.node} ${JSON.stringify(o.what)}`);
}

describe('purity', () => {
  test('no reducer mutates a frozen state or event under crashes and partitions, and runs replay exactly', () => {
    const plain = workload('purity', false);
    const withFreeze = workload('purity', true);
    expect(withFreeze.length).toBeGreaterThan(100);
    expect(withFreeze).toEqual(plain);
  });

  test('protocol/service and protocol/client import no clock, randomness, I/O or simulator code', () => {
    const forbidden: readonly RegExp[] = [
      /\bMath\.random\b/,
      /\bDate\.now\b/,
      /\bnew Date\b/,
      /\bperformance\.now\b/,
      /\bsetTimeout\b/,
      /\bsetInterval\b/,
      /\bcrypto\./,
      /\bprocess\./,
      /from '(node:|seedrandom|chalk|(\.\.\/)+sim\/)/,
    ];
    const root = new URL('../../protocol/', import.meta.url).pathname;
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
      }
    };
    walk(join(root, 'service'));
    walk(join(root, 'client'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const re of forbidden) expect(re.test(text), `${file} matches ${re}`).toBe(false);
    }
  });
});
