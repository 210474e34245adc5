// Reading a JSON document that must be an object, for input files the CLI validates field by field
// (capsules, seed corpora): every failure is an InputError naming the file, the place and what was expected.
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';
import { JsonSyntaxError, parseJson } from './json.js';

export interface JsonObjectFile {
  readonly o: Record<string, unknown>;
  /** Throws InputError(path, where, expected) unless cond holds. */
  readonly need: (cond: boolean, where: string, expected: string) => void;
}

/** The file's top-level object and a `need` check bound to the file; `unreadable` is the message when it cannot be read. */
export function readJsonObjectFile(path: string, unreadable: string): JsonObjectFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, '1', unreadable);
  }
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InputError(path, `${error.line}:${error.column}`, error.message);
    throw error;
  }
  const need = (cond: boolean, where: string, expected: string): void => {
    if (!cond) throw new InputError(path, where, expected);
  };
  need(typeof doc === 'object' && doc !== null && !Array.isArray(doc), '$', 'expected a JSON object');
  return { o: doc as Record<string, unknown>, need };
}
