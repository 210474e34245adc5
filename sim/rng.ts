// The only module that imports seedrandom. Every random choice in a run comes from one of these
// streams, each derived from the run's seed and a concern name, so that adding a client operation
// (workload stream) does not reshuffle network delays (network stream).
import seedrandom from 'seedrandom';

export type StreamName = 'network' | 'faults' | 'timers' | 'disk' | 'clients' | 'workload' | 'swarm' | 'draws';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  intInclusive(min: number, max: number): number;
  chance(probability: number): boolean;
  /** Exponentially distributed with the given mean, as an integer >= 0. */
  exponential(mean: number): number;
  pick<T>(items: readonly T[]): T;
  state(): object;
}

export function createRng(seed: string, state?: object): Rng {
  const prng = state === undefined ? seedrandom.alea(seed, { state: true }) : seedrandom.alea('', { state: state as seedrandom.State.Alea });
  return rngFrom(
    () => prng.quick(),
    () => prng.state(),
  );
}

/** Every derived draw in one place, over any source of floats in [0, 1). */
export function rngFrom(next: () => number, state: () => object): Rng {
  return {
    next,
    intInclusive: (min, max) => (max <= min ? min : min + Math.floor(next() * (max - min + 1))),
    chance: (probability) => probability > 0 && next() < probability,
    exponential: (mean) => Math.floor(-Math.log(1 - next()) * mean),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    state,
  };
}

/** An independent stream per concern. */
export function forkRng(seed: string, stream: StreamName): Rng {
  return createRng(`${seed}/${stream}`);
}
