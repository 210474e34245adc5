#!/usr/bin/env node
// Entry point for `npx zabsim`: runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { register } from 'tsx/esm/api';
register();
await import('../sim/cli/main.ts');
