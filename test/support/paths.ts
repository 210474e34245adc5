// Where the shared reference material lives: `shared/` sits beside the repository, on a developer's
// machine and in CI's fresh clone alike.
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const PORCUPINE_DATA_DIR = `${SHARED_DIR}porcupine-test-data/`;
