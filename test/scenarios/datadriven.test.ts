// Proves the datadriven reader and writer: comments and blank lines survive, old outputs are
// replaced, missing separators are added, and command lines split into words, args and groups.
import { describe, expect, test } from 'vitest';
import { parseCommand, parseDatadriven, renderDatadriven, type Stanza } from '../../sim/script/datadriven.js';

function render(input: string, out: (command: string) => string[]): string {
  const pieces = parseDatadriven(input);
  const outputs = new Map<Stanza, string[]>();
  for (const p of pieces) if (p.kind === 'stanza') outputs.set(p.stanza, out(p.stanza.command));
  return renderDatadriven(pieces, outputs);
}

describe('datadriven files', () => {
  test.each([
    ['keeps comments, replaces outputs', '# story\ncmd a\n----\nold\nold2\n\n# next\ncmd b\n----\nx\n', '# story\ncmd a\n----\nA\n\n# next\ncmd b\n----\nB\n'],
    ['adds a missing separator and blank line', 'cmd a\ncmd b\n', 'cmd a\n----\nA\n\ncmd b\n----\nB\n'],
    ['an empty output line becomes a dot', 'cmd e\n', 'cmd e\n----\n.\n'],
  ])('%s', (_name, input, expected) => {
    const text = render(input, (c) => [c === 'cmd e' ? '' : c.slice(4).toUpperCase()]);
    expect(text).toBe(expected);
    // Rendering is a fixed point: the output re-renders to itself.
    expect(render(text, (c) => [c === 'cmd e' ? '' : c.slice(4).toUpperCase()])).toBe(text);
  });

  test('a separator without a command is an error', () => {
    expect(() => parseDatadriven('----\n')).toThrow(/without a command/);
  });

  test('commands split into words, key=value args and {groups}', () => {
    const c = parseCommand('partition {1} {2 3} x=4 now');
    expect(c.verb).toBe('partition');
    expect(c.groups).toEqual([['1'], ['2', '3']]);
    expect([...c.args]).toEqual([['x', '4']]);
    expect(c.words).toEqual(['now']);
    expect(() => parseCommand('run ms=1 ms=2')).toThrow(/twice/);
  });
});
