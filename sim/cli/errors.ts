// Bad input gets one line naming the file, the place and what was expected, and exit code 2.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input file is malformed: `where` is a line number or a JSON path. */
export class InputError extends Error {
  override name = 'InputError';
  readonly file: string;
  readonly where: string;
  constructor(file: string, where: string, expected: string) {
    super(`${file}:${where}: ${expected}`);
    this.file = file;
    this.where = where;
  }
}

export const EXIT = { ok: 0, safety: 1, usage: 2, liveness: 3, internal: 4 } as const;
