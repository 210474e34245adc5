// Test helper: a brute-force linearizability checker that tries every order consistent with real time
// (op a must precede op b when a returned strictly before b was called). Only for tiny histories.
import type { Model, Operation } from '../../sim/checkers/linearizability/model.js';

export function bruteForceLinearizable<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const n = ops.length;
  const placed = new Array<boolean>(n).fill(false);
  const place = (state: S, count: number): boolean => {
    if (count === n) return true;
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      const op = ops[i]!;
      let minimal = true;
      for (let j = 0; j < n && minimal; j++) if (!placed[j] && j !== i && ops[j]!.return < op.call) minimal = false;
      if (!minimal) continue;
      const next = model.step(state, op.input, op.output);
      if (next === undefined) continue;
      placed[i] = true;
      if (place(next, count + 1)) return true;
      placed[i] = false;
    }
    return false;
  };
  return place(model.init(), 0);
}
