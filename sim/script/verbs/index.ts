// The scenario language's verbs, one handler each; the syntax of each is in the comment at the top
// of its file and above its function, and in scenarios/README.md.
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';
import { check } from './check.js';
import { cluster } from './cluster.js';
import { dropNext } from './drop-next.js';
import { expect } from './expect.js';
import { history, notes, state, syncModes } from './inspect.js';
import { read, write } from './kv-client.js';
import { heal, partition } from './partition.js';
import { crash, pause, restart, resume } from './process.js';
import { recipeOp } from './recipe.js';
import { run } from './run.js';
import { session } from './session.js';
import { skew, slow } from './timing.js';
import { when } from './when.js';
import { zkOp } from './zk-call.js';

export type Verb = (env: ScriptEnv, cmd: Command) => string[];

export const VERBS: Readonly<Record<string, Verb>> = {
  cluster,
  run,
  write,
  read,
  partition,
  heal,
  crash,
  restart,
  start: restart,
  pause,
  resume,
  'drop-next': dropNext,
  state,
  history,
  'sync-modes': syncModes,
  notes,
  check,
  expect,
  when,
  slow,
  skew,
  session,
  create: zkOp,
  delete: zkOp,
  set: zkOp,
  get: zkOp,
  exists: zkOp,
  children: zkOp,
  sync: zkOp,
  lock: recipeOp,
  elect: recipeOp,
  group: recipeOp,
};

/** Every verb the interpreter knows (the catalogue checks files against it before running them). */
export const SCRIPT_VERBS: readonly string[] = Object.keys(VERBS);
