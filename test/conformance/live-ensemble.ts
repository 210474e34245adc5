// One way for a conformance test file to get a live ensemble: started before its tests, always
// stopped after them (even when a test fails), and handed out by a getter that fails loudly if used
// before the start finished.
import { afterAll, beforeAll } from 'vitest';
import { startEnsemble, type Ensemble, type EnsembleOptions } from './ensemble.js';

export function useLiveEnsemble(options: EnsembleOptions = {}): () => Ensemble {
  let ensemble: Ensemble | undefined;
  beforeAll(async () => {
    ensemble = await startEnsemble(options);
  }, 180_000);
  afterAll(async () => {
    await ensemble?.stop();
  }, 30_000);
  return () => {
    if (ensemble === undefined) throw new Error('ensemble not started');
    return ensemble;
  };
}
