// Reading a command's arguments (`key=value` pairs and bare words) with the errors a scenario
// author sees when one is missing or malformed.
import type { Command } from './datadriven.js';

/** The value of `key=`, or an error naming the missing argument. */
export function required(cmd: Command, key: string): string {
  const v = cmd.args.get(key);
  if (v === undefined) throw new Error(`needs ${key}=`);
  return v;
}

/** A non-negative integer argument, or `fallback` when absent. */
export function intArg(cmd: Command, key: string, fallback: number): number {
  const v = cmd.args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key}=${v} is not a non-negative integer`);
  return n;
}

/** A comma-separated list argument (`msgs=PROPOSAL,COMMIT`); empty when absent. */
export function listArg(cmd: Command, key: string): string[] {
  const v = cmd.args.get(key);
  return v === undefined || v === '' ? [] : v.split(',');
}

/** `count` consecutive ids from `first`. */
export function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
