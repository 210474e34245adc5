// zabsim's command line. Every command returns an exit code: 0 all checks hold, 1 safety
// violation, 2 bad usage or input (one line, no stack trace), 3 liveness failure, 4 internal error.
import { EXIT, InputError, UsageError } from './errors.js';
import { replayCommand, REPLAY_USAGE } from './replay.js';
import { runCommand, RUN_USAGE } from './run.js';
import { CHECK_USAGE, runCheck } from './check.js';
import { fuzzCommand, FUZZ_USAGE } from './fuzz.js';
import { shrinkCommand, SHRINK_USAGE } from './shrink.js';
import { studioCommand, STUDIO_USAGE } from './studio.js';
import { BUILTIN_SCENARIOS } from '../catalogue/builtin.js';
import { listScenarios } from '../catalogue/run-catalogue.js';
import { HistoryFormatError } from '../history/types.js';

const HELP = `zabsim: a deterministic simulator of ZooKeeper's atomic broadcast (Zab)

commands
  ${RUN_USAGE.replace('usage: ', '')}
  ${REPLAY_USAGE.replace('usage: ', '')}
  ${FUZZ_USAGE.replace('usage: ', '')}
  ${SHRINK_USAGE.replace('usage: ', '')}
  ${CHECK_USAGE.replace('usage: ', '')}
  ${STUDIO_USAGE.replace('usage: ', '')}
  zabsim scenarios [--json]

narrated scenarios: zabsim scenarios lists them; zabsim run <name> [--step] runs one

built-in scenarios
${BUILTIN_SCENARIOS.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join('\n')}

exit codes: 0 all checks hold, 1 safety violation, 2 bad usage or input, 3 liveness failure, 4 internal error
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return EXIT.ok;
      case 'run':
        return runCommand(rest);
      case 'replay':
        return replayCommand(rest);
      case 'fuzz':
        return await fuzzCommand(rest);
      case 'shrink':
        return shrinkCommand(rest);
      case 'check':
        return await runCheck(rest);
      case 'scenarios':
        return listScenarios(rest);
      case 'studio':
        return studioCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}" (expected run, replay, fuzz, shrink, check, studio or scenarios; see zabsim --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError || error instanceof HistoryFormatError) {
      process.stderr.write(`zabsim ${command}: ${error.message.split('\n')[0]}\n`);
      return EXIT.usage;
    }
    if (
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
    ) {
      process.stderr.write(`zabsim ${command}: ${(error as Error).message.split('\n')[0]}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`zabsim ${command}: internal error: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
}

// A reader that stops early (`zabsim scenarios | head`) closes the pipe: later writes fail with EPIPE.
// That is not an error of the run, so the rest of the output is discarded and the command still
// finishes with its own exit code, instead of dying on an unhandled 'error' event with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.stdout.write = (() => true) as typeof process.stdout.write;
});

process.exitCode = await main(process.argv.slice(2));
