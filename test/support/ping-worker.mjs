// Worker bootstrap: registers tsx so the TypeScript worker body can load inside a plain worker thread.
import { register } from 'tsx/esm/api';
register();
await import('./ping-worker.ts');
