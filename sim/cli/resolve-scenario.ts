// Turns a scenario argument (a built-in name or a .json scenario file) into run options; shared by
// `zabsim run` and `zabsim studio`.
import { UsageError } from './errors.js';
import { builtinScenario, BUILTIN_SCENARIOS } from '../catalogue/builtin.js';
import { loadScenarioFile } from '../zab/json-scenario-loader.js';
import type { RunOptions } from '../zab/options.js';

export function resolveScenario(name: string, seed: string, servers: number | undefined, observers: number | undefined): RunOptions {
  const builtin = builtinScenario(name);
  if (builtin !== undefined) return builtin.build(seed, servers, observers);
  if (!name.endsWith('.json')) {
    throw new UsageError(
      `unknown scenario "${name}": expected a catalogue name (zabsim scenarios), a built-in name (${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')}) or a .json scenario file`,
    );
  }
  let options = loadScenarioFile(name, seed);
  if (servers !== undefined) options = { ...options, servers };
  if (observers !== undefined) options = { ...options, observers };
  return options;
}
