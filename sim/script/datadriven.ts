// The datadriven file format (etcd's cockroachdb/datadriven, reduced): a scenario is a sequence of
// stanzas, each one command line, a `----` line, then the command's exact output up to a blank line.
// `#` comment lines and blank lines between stanzas are kept verbatim. Rendering replaces every
// stanza's output with what the interpreter printed, so comparing the rendered text with the file
// checks the scenario, and writing it back rewrites the goldens (etcd's -rewrite).

export interface Stanza {
  /** 1-based line number of the command, for error messages. */
  readonly line: number;
  readonly command: string;
}

export type Piece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'stanza'; readonly stanza: Stanza };

const SEPARATOR = '----';

/** A malformed scenario file: names the file and line, and says what was expected there. */
export class ScenarioFormatError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ScenarioFormatError';
    this.file = file;
    this.line = line;
  }
}

/** Splits a scenario file into verbatim text and stanzas; old outputs are dropped. */
export function parseDatadriven(input: string, file = '<scenario>'): Piece[] {
  const lines = input.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const pieces: Piece[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      pieces.push({ kind: 'text', text: line });
      i++;
      continue;
    }
    if (line === SEPARATOR) throw new ScenarioFormatError(file, i + 1, "'----' without a command: expected a command line above it");
    pieces.push({ kind: 'stanza', stanza: { line: i + 1, command: line.trim() } });
    i++;
    if (i < lines.length && lines[i] === SEPARATOR) {
      i++;
      // The old output runs to the next blank line.
      while (i < lines.length && (lines[i] as string).trim() !== '') i++;
    }
  }
  return pieces;
}

/**
 * Each stanza's narration: the `#` comment lines directly above its command (a blank line ends a
 * block, so a comment separated from the command by a blank line is not its narration), without
 * the leading `#`. Header lines (`# name: ...`) are never narration.
 */
export function narrationOf(pieces: readonly Piece[]): Map<Stanza, string[]> {
  const out = new Map<Stanza, string[]>();
  let block: string[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'stanza') {
      if (block.length > 0) out.set(piece.stanza, block);
      block = [];
      continue;
    }
    const t = piece.text.trim();
    if (t === '') block = [];
    else if (!HEADER_LINE.test(t)) {
      const line = t.replace(/^#\s?/, '');
      if (line !== '') block.push(line);
    }
  }
  return out;
}

/** `# name: value` lines of a scenario's header block (see scenarios/README.md). */
export const HEADER_LINE = /^#\s*(name|topic|description|tags|seeds|see):\s*(.*)$/;

/** Renders the file back with fresh outputs. Every output block but the last is followed by a blank line. */
export function renderDatadriven(pieces: readonly Piece[], outputs: ReadonlyMap<Stanza, readonly string[]>): string {
  const out: string[] = [];
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p] as Piece;
    if (piece.kind === 'text') {
      out.push(piece.text);
      continue;
    }
    out.push(piece.stanza.command, SEPARATOR);
    const lines = outputs.get(piece.stanza) ?? ['(not run)'];
    for (const l of lines) out.push(l === '' ? '.' : l);
    const next = pieces[p + 1];
    if (next !== undefined && (next.kind !== 'text' || next.text.trim() !== '')) out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** A command line: the verb, bare words, `key=value` pairs and `{a b}` groups, in order. */
export interface Command {
  readonly verb: string;
  readonly words: readonly string[];
  readonly args: ReadonlyMap<string, string>;
  readonly groups: readonly (readonly string[])[];
}

export function parseCommand(text: string): Command {
  const tokens = text.match(/\{[^}]*\}|\S+/g) ?? [];
  const [verb, ...rest] = tokens;
  if (verb === undefined) throw new Error('empty command');
  const words: string[] = [];
  const args = new Map<string, string>();
  const groups: string[][] = [];
  for (const t of rest) {
    if (t.startsWith('{')) {
      if (!t.endsWith('}')) throw new Error(`unclosed group ${t}`);
      groups.push(
        t
          .slice(1, -1)
          .split(/[\s,]+/)
          .filter((x) => x !== ''),
      );
    } else if (t.includes('=')) {
      const at = t.indexOf('=');
      const key = t.slice(0, at);
      if (args.has(key)) throw new Error(`argument ${key} given twice`);
      args.set(key, t.slice(at + 1));
    } else {
      words.push(t);
    }
  }
  return { verb, words, args, groups };
}
