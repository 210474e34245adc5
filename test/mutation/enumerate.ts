// Every mutant Stryker's instrumenter would place in the given files, without running anything: the
// population `npm run mutation --sample N` draws from.
import { Instrumenter } from '@stryker-mutator/instrumenter';

export interface PlacedMutant {
  readonly fileName: string;
  readonly mutatorName: string;
  readonly replacement: string;
  readonly location: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } };
}

const quiet = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  fatal: () => undefined,
};

export async function enumerateMutants(files: ReadonlyArray<{ name: string; content: string }>): Promise<PlacedMutant[]> {
  const instrumenter = new Instrumenter(quiet as never);
  const result = await instrumenter.instrument(
    files.map((f) => ({ name: f.name, content: f.content, mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: true } as never,
  );
  return result.mutants.map((m) => ({ fileName: m.fileName, mutatorName: m.mutatorName, replacement: m.replacement, location: m.location }));
}
