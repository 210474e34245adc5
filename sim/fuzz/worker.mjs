// Worker bootstrap: registers tsx so the TypeScript worker body loads inside a plain worker thread.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
