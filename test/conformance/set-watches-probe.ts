// A bounded live probe of how node-zookeeper-client re-sends its watches after losing its server, with
// and without the harness's Java-order priming (fault-session.ts primeReconnectLikeJava). Two clients on
// a fresh ensemble each set a data watch, the leader is killed, each queues a getData(watch) while
// disconnected, and the probe logs what each sends on the connection that succeeds: how many setWatches
// (with their relative zxid) and where the queued getData sits among them. Not a test (how many connect
// attempts fail depends on the election's timing); its output is quoted in test/conformance/README.md.
//
//   npx tsx test/conformance/set-watches-probe.ts [--rounds 2]
import { createRequire } from 'node:module';
import { startEnsemble } from './ensemble.js';
import { primeReconnectLikeJava } from './fault-session.js';

const require = createRequire(import.meta.url);
type Packet = { request: { header: { type: number } | null; payload: unknown } };
interface Cm {
  state: number;
  zxid: Buffer;
  packetQueue: { queue: Packet[]; shift(): Packet | undefined };
  onSocketConnected(): void;
}
interface Client {
  connect(): void;
  close(): void;
  connectionManager: Cm;
  once(event: 'connected', fn: () => void): void;
  create(path: string, data: Buffer, cb: (e: unknown) => void): void;
  getData(path: string, watcher: (() => void) | undefined, cb: (e: unknown) => void): void;
}
const zk = require('node-zookeeper-client') as { createClient(s: string, o: object): Client };
const jute = require('node-zookeeper-client/lib/jute') as { OP_CODES: Record<string, number>; protocol: { SetWatches: new () => unknown } };

type Sent = { connection: number; what: string };

function watch(name: string, client: Client, log: Sent[]): { connection: () => number; attempts: () => number } {
  const cm = client.connectionManager;
  let connection = 0;
  let attempts = 0;
  const onSocketConnected = cm.onSocketConnected.bind(cm);
  cm.onSocketConnected = (): void => {
    attempts++;
    onSocketConnected();
  };
  const shift = cm.packetQueue.shift.bind(cm.packetQueue);
  cm.packetQueue.shift = (): Packet | undefined => {
    const p = shift();
    if (p !== undefined) {
      const payload = p.request.payload as { relativeZxid?: Buffer; path?: string } | null;
      const zxidOf = (b: Buffer | undefined): string => (b === undefined ? '?' : `0x${b.readBigInt64BE(0).toString(16)}`);
      const type = p.request.header?.type;
      const what =
        payload instanceof jute.protocol.SetWatches
          ? `setWatches(relativeZxid ${zxidOf((payload as { relativeZxid?: Buffer }).relativeZxid)})`
          : type === jute.OP_CODES['GET_DATA']
            ? `getData ${payload?.path ?? ''}`
            : `op ${type}`;
      if (type !== jute.OP_CODES['PING']) log.push({ connection, what: `${name}: ${what}` });
    }
    return p;
  };
  (cm as unknown as { on(e: 'state', f: (s: number) => void): void }).on('state', (s) => {
    if (s === 2) connection++;
  });
  return { connection: () => connection, attempts: () => attempts };
}

/** Consecutive equal items as `item ×n`. */
function runs(items: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < items.length;) {
    let j = i;
    while (j < items.length && items[j] === items[i]) j++;
    out.push(j - i === 1 ? items[i]! : `${items[i]} ×${j - i}`);
    i = j;
  }
  return out.join(', ');
}

const call = (f: (cb: (e: unknown) => void) => void): Promise<unknown> => new Promise((resolve) => f((e) => resolve(e)));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 2);
  const ensemble = await startEnsemble();
  try {
    const connect = ensemble.servers.map((s) => `127.0.0.1:${s.clientPort}`).join(',');
    for (let round = 1; round <= rounds; round++) {
      const log: Sent[] = [];
      const clients = (['library', 'java-order'] as const).map((name) => {
        const c = zk.createClient(connect, { sessionTimeout: 4000, spinDelay: 100, retries: 0 });
        if (name === 'java-order') primeReconnectLikeJava(c.connectionManager as never);
        return { name, c, counts: watch(name, c, log) };
      });
      for (const { c } of clients) {
        const up = new Promise<void>((r) => c.once('connected', r));
        c.connect();
        await up;
      }
      const path = `/probe${round}`;
      await call((cb) => clients[0]!.c.create(path, Buffer.from('x'), cb));
      for (const { c } of clients) await call((cb) => c.getData(path, () => {}, cb));
      const leader = await ensemble.leaderId();
      await ensemble.kill(leader);
      await sleep(20);
      // Queued while disconnected (the library keeps it across failed connect attempts).
      const queued = clients.map(({ c }) => call((cb) => c.getData(path, () => {}, cb)));
      const results = await Promise.race([Promise.all(queued), sleep(20_000).then(() => 'timeout')]);
      ensemble.restart(leader);
      for (const { name, counts } of clients) {
        const last = counts.connection();
        const onLast = log.filter((s) => s.connection === last && s.what.startsWith(`${name}:`)).map((s) => s.what.slice(name.length + 2));
        console.log(`round ${round} ${name}: ${counts.attempts()} socket connects; sent on the connection that succeeded: ${runs(onLast)}`);
      }
      console.log(`round ${round}: queued getData results ${JSON.stringify(results)}`);
      for (const { c } of clients) c.close();
      for (let t = 0; t < 120 && (await ensemble.modes()).filter((m) => m === 'follower' || m === 'leader').length < 3; t++) await sleep(500);
    }
  } finally {
    await ensemble.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(4);
  },
);
