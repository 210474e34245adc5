// Runs a TypeScript entry point (the CLI, a fuzz worker, the bench) as one esbuild bundle cached
// under node_modules/.cache/zabsim/, rebuilt when any source it was built from changes.
//
// Why not tsx's loader, which needs no build step: tsx compiles with keepNames, which rewrites every
// function's `name`, and loads each file as its own ES module, whose imported bindings are checked on
// every use. Measured on the 5-server broadcast bench that costs a third of the throughput
// (290 k events/s under tsx, 430 k bundled). The bundle is the same code: a run's trace hash is the
// same either way, and tests run the sources directly through vitest.
//
// Each module keeps its own import.meta.url (rewritten to the source file's URL at bundle time), so
// paths such as the scenario catalogue resolve exactly as they do from source.
// ZABSIM_LOADER=tsx runs the sources through tsx instead (useful with a debugger).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'zabsim');
const SELF = fileURLToPath(import.meta.url);

/**
 * V8's young generation. A run allocates about 1.8 KB per event, nearly all of it dead within a
 * few steps: with the default 16 MB semi-space the scavenger runs every ~9 ms of a broadcast run and
 * took 12% of it. 64 MB measured best on the broadcast bench (about +13% events/s against 16 MB;
 * 128 MB was no better and 256 MB worse, its cache misses outweighing the rarer scavenges).
 */
export const SEMI_SPACE_MB = 64;
const SEMI_SPACE_FLAG = '--max-semi-space-size';

/**
 * The heap is sized when the process starts, so a process started without the flag runs itself
 * again with it (one more Node start-up, about 90 ms); the npm scripts pass it and skip that.
 * Returns only when this process already has it, or is a worker thread: V8's flags are
 * process-wide, so the fuzzer's workers get the same young generation as their process.
 */
export function ensureYoungGeneration() {
  if (!isMainThread) return;
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => a.startsWith(SEMI_SPACE_FLAG))) return;
  const child = spawnSync(process.execPath, [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  if (child.error !== undefined) throw child.error;
  if (child.signal !== null) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 4);
}

/** Imports `entry` (a path relative to the project root, e.g. 'sim/cli/main.ts'). */
export async function launch(entry) {
  const source = join(ROOT, entry);
  if (process.env.ZABSIM_LOADER === 'tsx') {
    const { register } = await import('tsx/esm/api');
    register();
    return import(pathToFileURL(source).href);
  }
  // The checkout's path is part of the name: worktrees may share one node_modules.
  const checkout = createHash('sha256').update(ROOT).digest('hex').slice(0, 8);
  const out = join(CACHE, `${entry.replace(/[\\/]/g, '__').replace(/\.ts$/, '')}-${checkout}.mjs`);
  if (!fresh(out)) await build(source, out);
  return import(pathToFileURL(out).href);
}

function manifestPath(out) {
  return `${out}.inputs.json`;
}

function stamp(path) {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}

/** Fresh when the bundle exists and every input (and this launcher) has the size and mtime it had. */
function fresh(out) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(out), 'utf8'));
    statSync(out);
  } catch {
    return false;
  }
  try {
    for (const [path, seen] of Object.entries(manifest.inputs)) if (stamp(join(ROOT, path)) !== seen) return false;
  } catch {
    return false; // an input was deleted or renamed
  }
  return true;
}

async function build(source, out) {
  const esbuild = await import('esbuild');
  const rewriteMetaUrl = {
    name: 'import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const contents = text.includes('import.meta.url') ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : text;
        return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    outfile: out,
    logLevel: 'error',
    plugins: [rewriteMetaUrl],
  });
  const inputs = {};
  for (const path of [...Object.keys(result.metafile.inputs), relative(ROOT, SELF)]) inputs[path] = stamp(join(ROOT, path));
  mkdirSync(CACHE, { recursive: true });
  // Write to unique names, then rename: parallel launches (test workers, fuzz workers) may race.
  const tag = `${process.pid}-${Math.floor(performance.now() * 1000)}`;
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.${tag}`, file.contents);
    renameSync(`${file.path}.${tag}`, file.path);
  }
  writeFileSync(`${manifestPath(out)}.${tag}`, JSON.stringify({ esbuild: esbuild.version, inputs }));
  renameSync(`${manifestPath(out)}.${tag}`, manifestPath(out));
}
