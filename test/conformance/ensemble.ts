// Starts and stops a real 3-server Apache ZooKeeper 3.8 ensemble on loopback (Debian package
// `zookeeper`), for the conformance tests. Nothing here is part of the simulator.
//
// Layout of one ensemble: a fresh temp dir `<os.tmpdir()>/zabsim-zk-XXXXXX/` holding, per server N,
// `sN/zoo.cfg`, `sN/data/myid` and `sN/server.log` (JVM stdout+stderr, slf4j-simple at INFO).
//
// Cleanup is layered so that JVMs never outlive the test process:
//  1. `stop()` (called from vitest afterAll): SIGTERM, wait, SIGKILL, remove the temp dir;
//  2. `process.on('exit')` and SIGINT/SIGTERM/SIGHUP handlers: synchronous SIGKILL + rmSync;
//  3. a tiny `sh` watchdog per ensemble whose stdin is a pipe from this process: when this process
//     dies in any way (even SIGKILL), the pipe closes and the watchdog kills the JVMs and removes
//     the directory.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the Debian package puts ZooKeeper 3.8.0 and its dependencies. */
export const JAVA_LIB_DIR = '/usr/share/java';
export const ZOOKEEPER_JAR = `${JAVA_LIB_DIR}/zookeeper.jar`;
export const QUORUM_PEER_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/**
 * Runtime classpath of QuorumPeerMain. `zookeeper.jar`'s manifest already carries a Class-Path
 * (commons-cli, commons-io, jackson, jetty9, jline, metrics-core, netty, slf4j-api, snappy, jute),
 * but we list the jars the server really loads explicitly so a broken manifest fails loudly here.
 * The Debian package ships no slf4j binding; we add slf4j-simple so the logs are not silent.
 */
export const REQUIRED_JARS: readonly string[] = [
  'zookeeper.jar',
  'zookeeper-jute.jar',
  'slf4j-api.jar',
  'slf4j-simple.jar',
  'netty-buffer.jar',
  'netty-codec.jar',
  'netty-common.jar',
  'netty-handler.jar',
  'netty-resolver.jar',
  'netty-transport.jar',
  'netty-transport-native-epoll.jar',
  'netty-transport-native-unix-common.jar',
  'commons-cli.jar',
  'commons-io.jar',
  'metrics-core.jar',
  'snappy-java.jar',
];

export interface EnsembleOptions {
  /** ZooKeeper tick in ms. Session timeouts are clamped to [2, 20] ticks. */
  readonly tickTime?: number;
  /** Bound on the wait for "exactly one leader, two followers" (ms). */
  readonly startTimeoutMs?: number;
  /** Extra zoo.cfg lines. */
  readonly extraConfig?: readonly string[];
}

export interface ServerInfo {
  readonly id: number;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly electionPort: number;
  readonly dir: string;
  readonly logFile: string;
}

export type ServerMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'unavailable';

export interface Ensemble {
  readonly dir: string;
  readonly servers: readonly ServerInfo[];
  readonly tickTime: number;
  /** `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  readonly connectString: string;
  /** `127.0.0.1:pN` for server id N (1-based). */
  connectStringFor(id: number): string;
  /** Id of the current leader (queried with `srvr`). */
  leaderId(): Promise<number>;
  /** Mode of every server, indexed like `servers`. */
  modes(): Promise<ServerMode[]>;
  /** `Zookeeper version:` line of server 1's `srvr` reply, e.g. '3.8.0-…, built on …'. */
  version(): Promise<string>;
  /** Last `lines` lines of server N's log (for error messages). */
  logTail(id: number, lines?: number): string;
  /** SIGKILL server N's JVM and wait until it is gone. */
  kill(id: number): Promise<void>;
  /** Start server N's JVM again (after kill), on the same data dir and ports. */
  restart(id: number): void;
  /** SIGSTOP server N's JVM (it keeps its sockets but answers nothing). */
  pause(id: number): void;
  /** SIGCONT server N's JVM. stop() also continues every paused server first. */
  resume(id: number): void;
  stop(): Promise<void>;
}

export const DEFAULT_TICK_MS = 500;
export const DEFAULT_START_TIMEOUT_MS = 90_000;

/** Throws a readable error when java or the ZooKeeper jars are missing. */
export function checkPrerequisites(): void {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) {
    throw new Error(
      'conformance: `java` not found on PATH (need a JDK/JRE >= 11, e.g. `apt-get install -y default-jre-headless`). ' +
        `Cause: ${java.error?.message ?? `exit ${String(java.status)}`}`,
    );
  }
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(`conformance: ${ZOOKEEPER_JAR} not found. Install ZooKeeper 3.8 with ` + '`apt-get update && apt-get install -y zookeeper`.');
  }
  const missing = REQUIRED_JARS.filter((j) => !existsSync(join(JAVA_LIB_DIR, j)));
  if (missing.length > 0) {
    throw new Error(
      `conformance: missing jars in ${JAVA_LIB_DIR}: ${missing.join(', ')}. ` + 'Reinstall with `apt-get install -y zookeeper libslf4j-java libnetty-java`.',
    );
  }
}

export function classpath(): string {
  return REQUIRED_JARS.map((j) => join(JAVA_LIB_DIR, j)).join(':');
}

/** Reserves `n` distinct free TCP ports on 127.0.0.1 (all held open at once, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const srv = createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Sends a four-letter word and returns the full reply ('' on connection failure or timeout). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const sock = connect({ host: '127.0.0.1', port }, () => sock.write(word));
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', () => finish());
  });
}

export function parseMode(srvrReply: string): ServerMode {
  const m = /^Mode: (\w+)/m.exec(srvrReply);
  const mode = m?.[1];
  if (mode === 'leader' || mode === 'follower' || mode === 'observer' || mode === 'standalone') return mode;
  return 'unavailable';
}

interface Running {
  readonly proc: ChildProcess;
  exited: boolean;
  exitCode: number | null;
}

// ---- process-wide emergency cleanup ---------------------------------------------------------

const live = new Set<{ pids: () => number[]; dir: string; watchdog: ChildProcess | undefined }>();
let hooksInstalled = false;

function killSyncAll(): void {
  for (const e of live) {
    for (const pid of e.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmSync(e.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
    if (e.watchdog?.pid !== undefined) {
      try {
        process.kill(e.watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killSyncAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killSyncAll();
      process.removeListener(sig, handler);
      // Re-raise so the default disposition (exit with 128+n) still applies.
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** A `sh` that waits for EOF on stdin (our pipe), then kills the JVMs and removes the dir. */
function spawnWatchdog(pids: number[], dir: string): ChildProcess {
  const script = 'read _unused; kill -9 "$@" 2>/dev/null; rm -rf "$DIR"';
  const wd = spawn('sh', ['-c', script, 'zk-watchdog', ...pids.map(String)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, DIR: dir },
    detached: true, // own process group: a Ctrl-C to our group must not kill it before us
  });
  wd.unref();
  const stdin = wd.stdin;
  if (stdin !== null) {
    // Never write; keep the pipe open without holding the event loop.
    (stdin as unknown as { unref?: () => void }).unref?.();
    stdin.on('error', () => undefined);
  }
  return wd;
}

// ---- start ---------------------------------------------------------------------------------

function zooCfg(
  tickTime: number,
  dataDir: string,
  clientPort: number,
  all: readonly { id: number; peerPort: number; electionPort: number }[],
  extra: readonly string[],
): string {
  return [
    `tickTime=${tickTime}`,
    'initLimit=20',
    'syncLimit=10',
    `dataDir=${dataDir}`,
    `clientPort=${clientPort}`,
    'clientPortAddress=127.0.0.1',
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    // Test-only speedups: no fsync per txn, small log preallocation, no autopurge.
    'forceSync=no',
    'preAllocSize=4096',
    'autopurge.purgeInterval=0',
    ...all.map((s) => `server.${s.id}=127.0.0.1:${s.peerPort}:${s.electionPort}`),
    ...extra,
    '',
  ].join('\n');
}

function tail(file: string, lines: number): string {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startEnsemble(opts: EnsembleOptions = {}): Promise<Ensemble> {
  checkPrerequisites();
  installHooks();
  const tickTime = opts.tickTime ?? DEFAULT_TICK_MS;
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  const dir = mkdtempSync(join(tmpdir(), 'zabsim-zk-'));
  const ports = await freePorts(9);
  const port = (i: number): number => {
    const p = ports[i];
    if (p === undefined) throw new Error('port allocation failed');
    return p;
  };
  const servers: ServerInfo[] = [1, 2, 3].map((id, i) => ({
    id,
    clientPort: port(i * 3),
    peerPort: port(i * 3 + 1),
    electionPort: port(i * 3 + 2),
    dir: join(dir, `s${id}`),
    logFile: join(dir, `s${id}`, 'server.log'),
  }));

  for (const s of servers) {
    const dataDir = join(s.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'myid'), `${s.id}\n`);
    writeFileSync(join(s.dir, 'zoo.cfg'), zooCfg(tickTime, dataDir, s.clientPort, servers, opts.extraConfig ?? []));
  }

  const running: Running[] = [];
  const entry = {
    dir,
    watchdog: undefined as ChildProcess | undefined,
    pids: (): number[] => running.filter((r) => !r.exited && r.proc.pid !== undefined).map((r) => r.proc.pid as number),
  };
  live.add(entry);

  const cp = classpath();
  // Starts server `s`'s JVM (again, after a kill: its log is appended to) and returns its record.
  const spawnServer = (s: ServerInfo): Running => {
    const log = createWriteStream(s.logFile, { flags: 'a' });
    const proc = spawn(
      'java',
      [
        '-Xms32m',
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.net.preferIPv4Stack=true',
        '-Dzookeeper.admin.enableServer=false',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
        '-cp',
        cp,
        QUORUM_PEER_MAIN,
        join(s.dir, 'zoo.cfg'),
      ],
      { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    const r: Running = { proc, exited: false, exitCode: null };
    proc.on('exit', (code) => {
      r.exited = true;
      r.exitCode = code;
    });
    proc.on('error', (err) => {
      r.exited = true;
      log.write(`spawn error: ${err.message}\n`);
    });
    return r;
  };
  for (const s of servers) running.push(spawnServer(s));
  entry.watchdog = spawnWatchdog(entry.pids(), dir);

  let stopped = false;
  const modes = async (): Promise<ServerMode[]> => Promise.all(servers.map(async (s) => parseMode(await fourLetterWord(s.clientPort, 'srvr'))));

  const ensemble: Ensemble = {
    dir,
    servers,
    tickTime,
    connectString: servers.map((s) => `127.0.0.1:${s.clientPort}`).join(','),
    connectStringFor(id: number): string {
      const s = servers.find((x) => x.id === id);
      if (s === undefined) throw new Error(`no server ${id}`);
      return `127.0.0.1:${s.clientPort}`;
    },
    async leaderId(): Promise<number> {
      const ms = await modes();
      const i = ms.indexOf('leader');
      const s = servers[i];
      if (s === undefined) throw new Error(`no leader (modes: ${ms.join(',')})`);
      return s.id;
    },
    modes,
    async version(): Promise<string> {
      const s = servers[0];
      const reply = s === undefined ? '' : await fourLetterWord(s.clientPort, 'srvr');
      return /^Zookeeper version: (.*)$/m.exec(reply)?.[1] ?? 'unknown';
    },
    logTail(id: number, lines = 40): string {
      const s = servers.find((x) => x.id === id);
      return s === undefined ? '' : tail(s.logFile, lines);
    },
    async kill(id: number): Promise<void> {
      const r = running[id - 1];
      if (r === undefined) throw new Error(`no server ${id}`);
      if (r.exited) return;
      r.proc.kill('SIGKILL');
      const deadline = Date.now() + 5000;
      while (!r.exited && Date.now() < deadline) await sleep(20);
      if (!r.exited) throw new Error(`server ${id} survived SIGKILL for 5 s`);
    },
    restart(id: number): void {
      const s = servers[id - 1];
      const r = running[id - 1];
      if (s === undefined || r === undefined) throw new Error(`no server ${id}`);
      if (!r.exited) throw new Error(`server ${id} is still running`);
      if (stopped) return;
      running[id - 1] = spawnServer(s);
      // The watchdog holds the pids it was given: give a new one the new set.
      if (entry.watchdog?.pid !== undefined) {
        try {
          process.kill(entry.watchdog.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      entry.watchdog = spawnWatchdog(entry.pids(), dir);
    },
    pause(id: number): void {
      const r = running[id - 1];
      if (r === undefined) throw new Error(`no server ${id}`);
      if (!r.exited) r.proc.kill('SIGSTOP');
    },
    resume(id: number): void {
      const r = running[id - 1];
      if (r === undefined) throw new Error(`no server ${id}`);
      if (!r.exited) r.proc.kill('SIGCONT');
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      // Disarm the watchdog first so it cannot kill a recycled pid later.
      if (entry.watchdog?.pid !== undefined) {
        try {
          process.kill(entry.watchdog.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      // A stopped (SIGSTOP) JVM would not act on SIGTERM: continue every server first.
      for (const r of running) if (!r.exited) r.proc.kill('SIGCONT');
      for (const r of running) if (!r.exited) r.proc.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (running.some((r) => !r.exited) && Date.now() < deadline) await sleep(50);
      for (const r of running) if (!r.exited) r.proc.kill('SIGKILL');
      const deadline2 = Date.now() + 5000;
      while (running.some((r) => !r.exited) && Date.now() < deadline2) await sleep(50);
      live.delete(entry);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  // Wait for exactly one leader and two followers.
  const deadline = Date.now() + startTimeoutMs;
  let last: ServerMode[] = [];
  for (;;) {
    const dead = running.findIndex((r) => r.exited);
    if (dead >= 0) {
      const s = servers[dead];
      const logs = s === undefined ? '' : tail(s.logFile, 40);
      await ensemble.stop();
      throw new Error(`conformance: ZooKeeper server ${dead + 1} exited during startup. Log tail:\n${logs}`);
    }
    last = await modes();
    if (last.filter((m) => m === 'leader').length === 1 && last.filter((m) => m === 'follower').length === 2) break;
    if (Date.now() > deadline) {
      const logs = servers.map((s) => `--- server ${s.id} ---\n${tail(s.logFile, 25)}`).join('\n');
      await ensemble.stop();
      throw new Error(`conformance: no leader after ${startTimeoutMs} ms (modes: ${last.join(',')}). Log tails:\n${logs}`);
    }
    await sleep(200);
  }
  return ensemble;
}
