// Capsules: a failing fuzz case as one JSON file (the case with its fault plan and workload, the
// failure it must reproduce, the fault targets as resolved, the decision tape, and the trace path).
// `zabsim replay <capsule>` re-runs it with the tape (replay by meaning) and checks that the same
// invariant fails; `zabsim shrink <capsule>` minimises it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonObjectFile } from '../cli/json-file.js';
import { FileSink } from '../trace/sink.js';
import { describeTimedFault, FAULT_TYPES, type FaultEvent } from '../zab/faults.js';
import { PROFILES, runCase, type CaseResult, type FuzzCase } from './case.js';
import type { TapeData } from './tape.js';
import { isReadOp, SERVICE_ROLES, type ServiceRole } from './service-workload.js';
import { failureDetail } from '../zab/verdicts.js';

export const CAPSULE_KIND = 'zabsim-fuzz-capsule';

export interface Capsule {
  readonly kind: typeof CAPSULE_KIND;
  readonly version: 1;
  /** What "unmutated" means for these runs. */
  readonly protocol: string;
  readonly fuzzSeed: number | null;
  readonly case: FuzzCase;
  /** The checker that failed first: a Zab or client checker, "liveness", or "internal-error". */
  readonly failure: string;
  readonly detail: string;
  /** Checkers that answered `unknown` in the recorded run (absent in older capsules: none). */
  readonly unknown: readonly string[];
  readonly exitCode: number;
  readonly resolved: Readonly<Record<string, readonly number[]>>;
  readonly tape: TapeData | null;
  readonly steps: readonly string[];
  readonly trace: string | null;
  /** The coverage probes the recorded run reached (absent in older capsules). */
  readonly probes?: readonly string[];
}

export const PROTOCOL_NOTE =
  'ZooKeeper master + dropStaleAcksOnResync (the stale-ACK fix; see scenarios/findings/) + skipDirtyLeadSnapshot (a ZOOKEEPER-1549 fix)';

export function detailOf(r: CaseResult): string {
  return r.failure === null ? 'no failure' : failureDetail(r.report, r.failure);
}

/** The case as a short numbered list of steps (faults, then a workload summary and the core). */
export function stepsOf(c: FuzzCase): string[] {
  const steps = c.faults.map((f) => describeTimedFault(f));
  const writes = c.ops.filter((o) => !isReadOp(o.op)).length;
  if (c.service === undefined) steps.push(`workload: ${c.ops.length} operations (${writes} writes) from ${c.clients} clients`);
  else
    steps.push(
      `service workload: ${c.ops.length} operations (${writes} not reads) from ${c.clients} clients (${c.service.roles.join(', ')}), session timeout ${c.service.sessionTimeoutMs}ms`,
    );
  steps.push(`at ${c.faultsUntilMs}ms: heal core {${c.core.join(',')}}, isolate the rest, require progress until ${c.durationMs}ms`);
  return steps;
}

/** Re-runs the case with a trace file and a recorded tape, and writes the capsule. Returns its path. */
export function writeCapsule(
  c: FuzzCase,
  fuzzSeed: number | null,
  dir: string,
  name: string,
  tape: TapeData | null = null,
): { path: string; result: CaseResult } {
  mkdirSync(dir, { recursive: true });
  const trace = join(dir, `${name}.trace.ndjson`);
  // With a tape (a shrunk case), replay its decisions and record only what it lacks.
  const result = runCase(c, { sink: new FileSink(trace), tape: tape ?? 'record', probes: true });
  const capsule: Capsule = {
    kind: CAPSULE_KIND,
    version: 1,
    protocol: c.mutants.length === 0 ? PROTOCOL_NOTE : `${PROTOCOL_NOTE}, mutants: ${c.mutants.join(', ')}`,
    fuzzSeed,
    case: c,
    failure: result.failure ?? 'none',
    detail: detailOf(result),
    unknown: result.unknown,
    exitCode: result.report.exitCode,
    resolved: result.resolved,
    tape: result.tape,
    steps: stepsOf(c),
    trace,
    probes: result.probes ?? [],
  };
  const path = join(dir, `${name}.capsule.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(capsule, null, 1)}\n`);
  return { path, result };
}

export function isCapsuleFile(path: string): boolean {
  return path.endsWith('.capsule.json');
}

/** Reads and validates a capsule; bad input throws InputError naming the file, place and expectation. */
export function readCapsule(path: string): Capsule {
  const { o, need } = readJsonObjectFile(path, 'expected a readable capsule file');
  need(o['kind'] === CAPSULE_KIND, '$.kind', `expected "${CAPSULE_KIND}"`);
  need(o['version'] === 1, '$.version', 'expected 1');
  need(typeof o['failure'] === 'string', '$.failure', 'expected the name of the failed checker');
  const c = o['case'] as Record<string, unknown> | undefined;
  need(typeof c === 'object' && c !== null, '$.case', 'expected the fuzz case object');
  const cc = c as Record<string, unknown>;
  need(typeof cc['seed'] === 'string', '$.case.seed', 'expected a string');
  need(typeof cc['profile'] === 'string' && cc['profile'] in PROFILES, '$.case.profile', 'expected quick, standard or deep');
  for (const k of ['servers', 'observers', 'clients', 'commitLogCount', 'faultsUntilMs', 'durationMs']) {
    need(Number.isInteger(cc[k]) && (cc[k] as number) >= 0, `$.case.${k}`, 'expected a non-negative integer');
  }
  need(
    cc['snapCount'] === undefined || (Number.isInteger(cc['snapCount']) && (cc['snapCount'] as number) >= 0),
    '$.case.snapCount',
    'expected a non-negative integer',
  );
  need(
    cc['counterStart'] === undefined ||
      (Number.isInteger(cc['counterStart']) && (cc['counterStart'] as number) >= 0 && (cc['counterStart'] as number) < 0xffffffff),
    '$.case.counterStart',
    'expected an integer in 0..0xfffffffe',
  );
  need(
    cc['globalOutstandingLimit'] === undefined || (Number.isInteger(cc['globalOutstandingLimit']) && (cc['globalOutstandingLimit'] as number) >= 1),
    '$.case.globalOutstandingLimit',
    'expected a positive integer',
  );
  const cs = cc['containers'] as Record<string, unknown> | undefined;
  need(cs === undefined || (typeof cs === 'object' && cs !== null), '$.case.containers', 'expected the container settings object');
  for (const k of ['checkIntervalMs', 'maxPerMinute', 'maxNeverUsedIntervalMs'])
    need(
      cs === undefined || (Number.isInteger(cs[k]) && (cs[k] as number) >= (k === 'maxNeverUsedIntervalMs' ? 0 : 1)),
      `$.case.containers.${k}`,
      k === 'maxNeverUsedIntervalMs' ? 'expected a non-negative integer' : 'expected a positive integer',
    );
  need((cc['servers'] as number) >= 1 && (cc['servers'] as number) <= 9, '$.case.servers', 'expected an integer in 1..9');
  need(Array.isArray(cc['mutants']), '$.case.mutants', 'expected an array of mutant names');
  need(Array.isArray(cc['core']), '$.case.core', 'expected an array of server ids');
  need(Array.isArray(cc['ops']), '$.case.ops', 'expected an array of operations');
  need(Array.isArray(cc['faults']), '$.case.faults', 'expected an array of faults');
  (cc['faults'] as unknown[]).forEach((f, i) => {
    const ff = f as Partial<FaultEvent> | null;
    need(typeof ff === 'object' && ff !== null, `$.case.faults[${i}]`, 'expected a fault object');
    need(Number.isInteger((ff as FaultEvent).atMs), `$.case.faults[${i}].atMs`, 'expected an integer time in ms');
    need(FAULT_TYPES.includes((ff as FaultEvent).type), `$.case.faults[${i}].type`, `expected one of ${FAULT_TYPES.join(', ')}`);
  });
  (cc['ops'] as unknown[]).forEach((w, i) => {
    const ww = w as Record<string, unknown> | null;
    need(
      typeof ww === 'object' && ww !== null && Number.isInteger(ww['atMs']) && Number.isInteger(ww['client']) && typeof ww['op'] === 'object',
      `$.case.ops[${i}]`,
      'expected {atMs, client, op}',
    );
  });
  const service = cc['service'] as Record<string, unknown> | undefined;
  if (service !== undefined) {
    need(typeof service === 'object' && service !== null, '$.case.service', 'expected {sessionTimeoutMs, roles}');
    need(
      Number.isInteger(service['sessionTimeoutMs']) && (service['sessionTimeoutMs'] as number) > 0,
      '$.case.service.sessionTimeoutMs',
      'expected a positive integer',
    );
    need(
      Array.isArray(service['roles']) && (service['roles'] as unknown[]).every((r) => SERVICE_ROLES.includes(r as ServiceRole)),
      '$.case.service.roles',
      `expected an array of ${SERVICE_ROLES.join(', ')}`,
    );
  }
  need(o['tape'] === null || o['tape'] === undefined || typeof o['tape'] === 'object', '$.tape', 'expected an object or null');
  return {
    kind: CAPSULE_KIND,
    version: 1,
    protocol: String(o['protocol'] ?? PROTOCOL_NOTE),
    fuzzSeed: typeof o['fuzzSeed'] === 'number' ? o['fuzzSeed'] : null,
    case: cc as unknown as FuzzCase,
    failure: o['failure'] as string,
    detail: String(o['detail'] ?? ''),
    unknown: Array.isArray(o['unknown']) ? (o['unknown'] as unknown[]).map(String) : [],
    exitCode: Number(o['exitCode'] ?? 1),
    resolved: (o['resolved'] ?? {}) as Record<string, number[]>,
    tape: (o['tape'] ?? null) as TapeData | null,
    steps: Array.isArray(o['steps']) ? (o['steps'] as string[]) : [],
    trace: typeof o['trace'] === 'string' ? o['trace'] : null,
    ...(Array.isArray(o['probes']) ? { probes: (o['probes'] as unknown[]).map(String) } : {}),
  };
}
