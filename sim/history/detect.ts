// Guesses a history file's format from its extension and first non-blank line.

import type { HistoryFormat } from './types.js';

export function inferHistoryFormat(file: string, text: string): HistoryFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  const first = text
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trimStart();
  if (first === undefined) return lower.endsWith('.log') ? 'porcupine-etcd' : null;
  if (first.startsWith('INFO')) return 'porcupine-etcd';
  if (first.startsWith('{:')) return 'porcupine-kv';
  if (first.startsWith('{"') || first.startsWith('{ "')) return 'ndjson';
  if (lower.endsWith('.log')) return 'porcupine-etcd';
  return null;
}
