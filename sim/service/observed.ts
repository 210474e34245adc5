// One observation of a ZooKeeper service run, as the run collects them (sim/service/run.ts) and the
// history builder (history.ts) and the recipe checks (recipe-checks.ts) read them.
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';

export interface Observed {
  readonly atUs: number;
  readonly node: NodeId;
  readonly what: ZabObservation;
}
