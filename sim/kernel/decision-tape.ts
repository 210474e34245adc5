// The hook for replay by meaning (sim/fuzz/tape.ts): the kernel's random draws, looked up by what
// they decide.

/**
 * When set, every random draw of the kernel is looked up by a key naming what it decides
 * ("1>2 PROPOSAL 0x100000003" latency, "2 timer election", ...) and its occurrence; a key not on
 * the tape falls back to the stream (`draw`). Null in ordinary runs.
 */
export interface DecisionTape {
  decide(key: string, draw: () => number): number;
}
