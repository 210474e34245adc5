// The command line of `npm run mutation` (test/mutation/run.ts), parsed without side effects.
export interface MutationArgs {
  readonly files: readonly string[];
  readonly sample: number;
  readonly sampleSeed: string;
  readonly seeds: number;
  readonly profile: 'standard' | 'deep';
  readonly concurrency: number;
  /** A mutant whose sweep spends more CPU than this many times the clean one (+30 s) is a timeout (cpu-budget.sh). */
  readonly timeoutFactor: number;
  /** Run the K-th of N parts of the drawn sample (1-based); the last part to finish writes the whole report. */
  readonly shard: { readonly k: number; readonly n: number };
}

const DEFAULTS: MutationArgs = {
  files: ['protocol/zab/**/*.ts', 'protocol/service/**/*.ts'],
  sample: 0,
  sampleSeed: '1',
  seeds: 2000,
  profile: 'standard',
  concurrency: 2,
  timeoutFactor: 3,
  shard: { k: 1, n: 1 },
};

/** The parsed arguments, or a one-line message naming the argument and what was expected. */
export function parseMutationArgs(argv: readonly string[]): MutationArgs | string {
  const out: { -readonly [K in keyof MutationArgs]: MutationArgs[K] } = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined) return `${flag}: expected a value after it`;
    i++;
    const count = (min: number): number | string =>
      /^\d+$/.test(value) && Number(value) >= min ? Number(value) : `${flag} ${value}: expected an integer ≥ ${min}`;
    switch (flag) {
      case '--files':
        out.files = value.split(',').filter((f) => f !== '');
        if (out.files.length === 0) return `--files: expected a comma-separated list of globs`;
        break;
      case '--sample': {
        const n = count(0);
        if (typeof n === 'string') return n;
        out.sample = n;
        break;
      }
      case '--sample-seed':
        out.sampleSeed = value;
        break;
      case '--seeds': {
        const n = count(1);
        if (typeof n === 'string') return n;
        out.seeds = n;
        break;
      }
      case '--concurrency': {
        const n = count(1);
        if (typeof n === 'string') return n;
        out.concurrency = n;
        break;
      }
      case '--timeout-factor': {
        const n = count(1);
        if (typeof n === 'string') return n;
        out.timeoutFactor = n;
        break;
      }
      case '--shard': {
        const m = /^(\d+)\/(\d+)$/.exec(value);
        if (m === null || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
          return `--shard ${value}: expected K/N with 1 ≤ K ≤ N (the K-th of N parts of the sample)`;
        out.shard = { k: Number(m[1]), n: Number(m[2]) };
        break;
      }
      case '--profile':
        if (value !== 'standard' && value !== 'deep') return `--profile ${value}: expected standard or deep`;
        out.profile = value;
        break;
      default:
        return `${flag}: unknown option (expected --files, --sample, --sample-seed, --seeds, --profile, --concurrency, --timeout-factor or --shard)`;
    }
  }
  return out;
}
