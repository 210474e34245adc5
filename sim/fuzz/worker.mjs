// Worker bootstrap: loads the TypeScript worker body (worker.ts) in a plain worker thread, as the
// same cached bundle the CLI uses (see sim/cli/launch.mjs).
import { launch } from '../cli/launch.mjs';

await launch('sim/fuzz/worker.ts');
