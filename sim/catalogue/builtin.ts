// Built-in runs reachable by name: `zabsim run default`, `zabsim run property --seed N`.
import { propertyRunOptions } from '../zab/property.js';
import { baseRunOptions, type RunOptions } from '../zab/options.js';

export interface BuiltinScenario {
  readonly name: string;
  readonly description: string;
  build(seed: string, servers?: number, observers?: number): RunOptions;
}

/**
 * The default run: 5 servers on ZooKeeper's sample timing (tickTime 2000, initLimit 10,
 * syncLimit 5), three clients writing and reading, the leader crashed mid-run, then the new
 * leader isolated from the others, then everything healed and restarted.
 */
const defaultScenario: BuiltinScenario = {
  name: 'default',
  description: '5 servers, 3 clients; the leader crashes, the next leader is cut off, then all heals',
  build(seed, servers = 5, observers = 0) {
    const base = baseRunOptions('default', seed, servers, observers);
    return {
      ...base,
      workload: { clients: 3, meanIntervalMs: 150, keys: 5, stopAtMs: 80_000, requestTimeoutMs: 8_000 },
      faults: [
        { atMs: 10_000, type: 'crash', target: 'leader' },
        { atMs: 30_000, type: 'partition', mode: 'isolate', target: 'leader' },
        { atMs: 45_000, type: 'restart', target: 'all-down' },
        { atMs: 50_000, type: 'heal' },
      ],
      faultsUntilMs: 60_000,
      durationMs: 100_000,
    };
  },
};

const propertyScenario: BuiltinScenario = {
  name: 'property',
  description: 'a random fault plan drawn from the seed (the property-test mix), then a liveness phase',
  build: (seed, servers = 3, observers = 0) => propertyRunOptions(seed, servers, observers),
};

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = [defaultScenario, propertyScenario];

export function builtinScenario(name: string): BuiltinScenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
