// The scenario catalogue: every scenarios/<topic>/<name>.txt file (the datadriven Zab language of
// sim/script/script.ts) with its header block. A file is checked before it runs: the header
// names it (and matches its path), every command parses and uses a known verb, the story starts with
// `cluster` and asserts at least one expected outcome. Errors name the file, the line and what was
// expected there. The format is documented in scenarios/README.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEADER_LINE, parseCommand, parseDatadriven, ScenarioFormatError, type Piece } from '../script/datadriven.js';
import { SCRIPT_VERBS } from '../script/script.js';

export const SCENARIO_ROOT = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * Directories under scenarios/ that hold another owner's files. findings/ is a topic: its narrated
 * .txt findings are catalogued; its JSON run files are skipped like any non-.txt file.
 */
const NOT_CATALOGUE = new Set(['mutants']);

export interface ScenarioHeader {
  readonly name: string;
  readonly topic: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** `# see: ...`: where the story comes from (a seed note, a JIRA, a capsule). */
  readonly see: string;
}

export interface CatalogueEntry extends ScenarioHeader {
  /** Absolute path of the .txt file. */
  readonly path: string;
  /** Path relative to the repository root, for messages. */
  readonly file: string;
}

export interface ParsedScenario {
  readonly header: ScenarioHeader;
  readonly pieces: readonly Piece[];
  /** The leading comment lines that are not header fields: the scenario's introduction. */
  readonly intro: readonly string[];
}

const REQUIRED = ['name', 'topic', 'description'] as const;

/**
 * Checks a scenario file and returns its header. `file` is used in messages; when it is a path
 * `<topic>/<name>.txt`, the header's name and topic must match it.
 */
export function parseScenario(text: string, file: string): ParsedScenario {
  const pieces = parseDatadriven(text, file);
  const fields = new Map<string, string>();
  const intro: string[] = [];
  let seenCommand = false;
  let expectations = 0;
  let lastLine = 1;
  let lineNo = 0;
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      lineNo++;
      const m = HEADER_LINE.exec(piece.text.trim());
      if (m !== null) {
        const key = m[1] as string;
        if (seenCommand)
          throw new ScenarioFormatError(
            file,
            lineFor(text, piece.text),
            `header field '${key}:' after the first command: expected it in the header block at the top of the file`,
          );
        if (fields.has(key)) throw new ScenarioFormatError(file, lineFor(text, piece.text), `header field '${key}:' given twice`);
        fields.set(key, (m[2] as string).trim());
      } else if (!seenCommand && piece.text.trim() !== '') intro.push(piece.text.trim().replace(/^#\s?/, ''));
      continue;
    }
    const { line, command } = piece.stanza;
    lastLine = line;
    let verb: string;
    try {
      const cmd = parseCommand(command);
      verb = cmd.verb;
      if (verb === 'check' && cmd.args.has('expect')) expectations++;
      if (verb === 'expect') expectations++;
    } catch (error) {
      throw new ScenarioFormatError(file, line, `${(error as Error).message}: expected VERB [words] [key=value] [{group}]`);
    }
    if (!SCRIPT_VERBS.includes(verb)) throw new ScenarioFormatError(file, line, `unknown command '${verb}': expected one of ${SCRIPT_VERBS.join(', ')}`);
    if (!seenCommand && verb !== 'cluster')
      throw new ScenarioFormatError(file, line, `the first command is '${verb}': expected 'cluster voters=N seed=S ...' to create the ensemble`);
    seenCommand = true;
  }
  for (const key of REQUIRED) {
    if (!fields.has(key) || fields.get(key) === '')
      throw new ScenarioFormatError(
        file,
        1,
        `missing header field '# ${key}: ...': expected the header block (name, topic, description, tags) at the top of the file`,
      );
  }
  if (!seenCommand) throw new ScenarioFormatError(file, Math.max(1, lineNo), "no commands: expected a story that starts with 'cluster'");
  if (expectations === 0)
    throw new ScenarioFormatError(file, lastLine, "no expected outcome: expected at least one 'check expect=...' or 'expect FACT ...' stanza");
  const header: ScenarioHeader = {
    name: fields.get('name') as string,
    topic: fields.get('topic') as string,
    description: fields.get('description') as string,
    tags: (fields.get('tags') ?? '').split(/[\s,]+/).filter((t) => t !== ''),
    see: fields.get('see') ?? '',
  };
  if (!/^[a-z0-9][a-z0-9-]*$/.test(header.name))
    throw new ScenarioFormatError(file, lineFor(text, '# name:'), `name '${header.name}': expected lower-case words joined by '-'`);
  if (file.endsWith('.txt')) {
    const base = basename(file, '.txt');
    if (header.name !== base)
      throw new ScenarioFormatError(file, lineFor(text, '# name:'), `name '${header.name}' does not match the file: expected '${base}'`);
    const dir = basename(dirname(file));
    if (dir !== '.' && dir !== '' && header.topic !== dir)
      throw new ScenarioFormatError(file, lineFor(text, '# topic:'), `topic '${header.topic}' does not match the directory: expected '${dir}'`);
  }
  return { header, pieces, intro };
}

/** 1-based line of the first line starting with `prefix` (header fields are unique). */
function lineFor(text: string, prefix: string): number {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim().startsWith(prefix.trim()) || l === prefix);
  return at < 0 ? 1 : at + 1;
}

/** Every catalogue scenario, sorted by topic then name. Throws on the first malformed file or a duplicate name. */
export function loadCatalogue(root: string = SCENARIO_ROOT): CatalogueEntry[] {
  const entries: CatalogueEntry[] = [];
  const repo = dirname(root.replace(/\/$/, ''));
  for (const topic of readdirSync(root).sort()) {
    const dir = join(root, topic);
    if (NOT_CATALOGUE.has(topic) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.txt')) continue;
      const path = join(dir, f);
      const file = relative(repo, path);
      const { header } = parseScenario(readFileSync(path, 'utf8'), file);
      entries.push({ ...header, path, file });
    }
  }
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.name);
    if (other !== undefined) throw new ScenarioFormatError(e.file, 1, `name '${e.name}' is also used by ${other}: expected unique names`);
    seen.set(e.name, e.file);
  }
  return entries.sort((a, b) => a.topic.localeCompare(b.topic) || a.name.localeCompare(b.name));
}

export function findCatalogueScenario(name: string, root: string = SCENARIO_ROOT): CatalogueEntry | undefined {
  return loadCatalogue(root).find((e) => e.name === name);
}
