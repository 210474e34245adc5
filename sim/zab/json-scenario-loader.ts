// Loads a JSON scenario file: a partial RunOptions, optionally on top of a built-in scenario
// ("base": "default"). Every malformed field gets an InputError naming the JSON path and what was
// expected. The full narrated scenario format comes with the scenario catalogue.
import { readFileSync } from 'node:fs';
import { InputError } from '../cli/errors.js';
import { JsonSyntaxError, parseJson } from '../cli/json.js';
import { builtinScenario } from '../catalogue/builtin.js';
import type { FaultEvent } from './faults.js';
import type { RunOptions } from './options.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FAULT_TYPES = ['partition', 'partition-groups', 'one-way', 'heal', 'crash', 'restart', 'pause', 'resume', 'skew'] as const;

export function loadScenarioFile(file: string, seed: string): RunOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(file, '1', 'cannot read the file');
  }
  let doc: Json;
  try {
    doc = parseJson(text) as Json;
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InputError(file, `${error.line}:${error.column}`, error.message);
    throw error;
  }
  if (!isObject(doc)) throw new InputError(file, '$', 'expected a JSON object');
  const baseName = doc['base'] ?? 'default';
  if (typeof baseName !== 'string') throw new InputError(file, '$.base', 'expected a string naming a built-in scenario');
  const base = builtinScenario(baseName);
  if (base === undefined) throw new InputError(file, '$.base', `expected "default" or "property", got ${JSON.stringify(baseName)}`);
  const servers = optionalInt(file, doc, 'servers', 1, 9);
  const observers = optionalInt(file, doc, 'observers', 0, 9);
  let options = base.build(seed, servers ?? undefined, observers ?? undefined);
  const name = doc['name'];
  if (name !== undefined && typeof name !== 'string') throw new InputError(file, '$.name', 'expected a string');
  options = { ...options, scenario: typeof name === 'string' ? name : file };
  for (const key of Object.keys(doc)) {
    if (!['base', 'name', 'servers', 'observers', 'durationMs', 'faultsUntilMs', 'faults', 'zab', 'workload', 'description'].includes(key)) {
      throw new InputError(
        file,
        `$.${key}`,
        'unknown field (expected base, name, description, servers, observers, durationMs, faultsUntilMs, faults, zab, workload)',
      );
    }
  }
  const durationMs = optionalInt(file, doc, 'durationMs', 1, 86_400_000);
  if (durationMs !== null) options = { ...options, durationMs };
  const faultsUntilMs = optionalInt(file, doc, 'faultsUntilMs', 0, 86_400_000);
  if (faultsUntilMs !== null) options = { ...options, faultsUntilMs };
  const faults = doc['faults'];
  if (faults !== undefined) {
    if (!Array.isArray(faults)) throw new InputError(file, '$.faults', 'expected an array of faults');
    options = { ...options, faults: faults.map((f, i) => parseFault(file, `$.faults[${i}]`, f)) };
  }
  const zab = doc['zab'];
  if (zab !== undefined) {
    if (!isObject(zab)) throw new InputError(file, '$.zab', 'expected an object');
    const next: Record<string, unknown> = { ...options.zab };
    for (const [key, value] of Object.entries(zab)) {
      if (!(key in options.zab)) throw new InputError(file, `$.zab.${key}`, `unknown ZabConfig field (expected one of ${Object.keys(options.zab).join(', ')})`);
      const current = (options.zab as unknown as Record<string, unknown>)[key];
      if (typeof current === 'number' && (typeof value !== 'number' || !Number.isFinite(value)))
        throw new InputError(file, `$.zab.${key}`, 'expected a number');
      if (typeof current === 'string' && typeof value !== 'string') throw new InputError(file, `$.zab.${key}`, 'expected a string');
      if (Array.isArray(current) && !Array.isArray(value)) throw new InputError(file, `$.zab.${key}`, 'expected an array');
      next[key] = value;
    }
    options = { ...options, zab: next as unknown as RunOptions['zab'] };
  }
  const workload = doc['workload'];
  if (workload !== undefined) {
    if (!isObject(workload)) throw new InputError(file, '$.workload', 'expected an object');
    const next: Record<string, unknown> = { ...options.workload };
    for (const [key, value] of Object.entries(workload)) {
      if (!(key in options.workload))
        throw new InputError(file, `$.workload.${key}`, `unknown field (expected one of ${Object.keys(options.workload).join(', ')})`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new InputError(file, `$.workload.${key}`, 'expected a non-negative integer');
      next[key] = value;
    }
    options = { ...options, workload: next as unknown as RunOptions['workload'] };
  }
  return options;
}

function parseFault(file: string, path: string, f: Json): FaultEvent {
  if (!isObject(f)) throw new InputError(file, path, 'expected a fault object like {"atMs": 1000, "type": "crash", "target": "leader"}');
  const atMs = f['atMs'];
  if (typeof atMs !== 'number' || !Number.isInteger(atMs) || atMs < 0)
    throw new InputError(file, `${path}.atMs`, 'expected a non-negative integer (milliseconds)');
  const type = f['type'];
  if (typeof type !== 'string' || !(FAULT_TYPES as readonly string[]).includes(type))
    throw new InputError(file, `${path}.type`, `expected one of ${FAULT_TYPES.join(', ')}`);
  for (const key of ['target', 'from', 'to'] as const) {
    const t = f[key];
    if (t !== undefined && typeof t !== 'number' && !['leader', 'follower', 'observer', 'any', 'all-down', 'all-paused'].includes(String(t))) {
      throw new InputError(file, `${path}.${key}`, 'expected a server id or one of leader, follower, observer, any');
    }
  }
  if (type === 'partition-groups') {
    const groups = f['groups'];
    if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g) && g.every((x) => typeof x === 'number'))) {
      throw new InputError(file, `${path}.groups`, 'expected an array of arrays of server ids');
    }
  }
  if (type === 'partition' && !['halves', 'isolate', 'bridge', 'ring'].includes(String(f['mode'])))
    throw new InputError(file, `${path}.mode`, 'expected halves, isolate, bridge or ring');
  if (['crash', 'pause', 'restart', 'resume', 'skew'].includes(type) && f['target'] === undefined)
    throw new InputError(file, `${path}.target`, 'expected a target');
  return f as unknown as FaultEvent;
}

function optionalInt(file: string, doc: { [key: string]: Json }, key: string, min: number, max: number): number | null {
  const v = doc[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError(file, `$.${key}`, `expected an integer in ${min}..${max}`);
  return v;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
