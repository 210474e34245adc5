#!/usr/bin/env node
// Entry point for `npx zabsim`: runs the CLI (sim/cli/main.ts) as a cached bundle; see launch.mjs.
import { ensureYoungGeneration, launch } from './launch.mjs';

ensureYoungGeneration();

await launch('sim/cli/main.ts');
