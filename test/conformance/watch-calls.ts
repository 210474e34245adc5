// ZooKeeper 3.8's watch calls for the test-only client: node-zookeeper-client 1.1.3 predates them.
// A minimal jute encoder for AddWatchRequest {ustring path; int mode}, CheckWatchesRequest and
// RemoveWatchesRequest {ustring path; int type}, and SyncRequest {ustring path} (the library has no
// sync either), sent through the library's own queue so that xids
// and ordering stay the library's. Two library limits are worked around, test-only:
//  - its reply switch closes the socket on an opcode it does not know, so once the request is on the
//    wire its header type is relabelled setWatches (101), whose reply has no body it would parse;
//  - its Exception table has no NOWATCHER (-121) and throws on it, so Exception.create learns it.
// The client-side bookkeeping that the Java client does (ZKWatchManager) is written out in
// zk-client.ts from the Java, not shared with zabsim.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** ZooDefs.OpCode. */
export const OPCODE = { sync: 9, checkWatches: 17, removeWatches: 18, setWatches: 101, addWatch: 106 } as const;
/** ZooDefs.AddWatchModes. */
export const ADD_WATCH_MODE = { persistent: 0, persistentRecursive: 1 } as const;
/** Watcher.WatcherType. */
export const WATCHER_TYPE = { Children: 1, Data: 2, Any: 3 } as const;

const NOWATCHER = -121;

interface JuteHeader {
  xid: number;
  type: number;
}
interface JuteModule {
  protocol: { RequestHeader: new () => JuteHeader };
  Request: new (header: JuteHeader, payload: unknown) => { header: JuteHeader; toBuffer(): Buffer };
}
interface ExceptionModule {
  create(code: number, path?: string): unknown;
}

const jute = require('node-zookeeper-client/lib/jute/index.js') as JuteModule;
const exceptions = require('node-zookeeper-client/lib/Exception.js') as ExceptionModule;

let patched = false;
function teachNoWatcher(): void {
  if (patched) return;
  patched = true;
  const create = exceptions.create;
  exceptions.create = (code: number, path?: string): unknown => {
    if (code !== NOWATCHER) return create(code, path);
    const e = new Error('NO_WATCHER[-121]') as Error & { code: number; name: string };
    e.code = NOWATCHER;
    e.name = 'NO_WATCHER';
    return e;
  };
}

type Body = { byteLength(): number; serialize(b: Buffer, o: number): number; setChrootPath(): void };

/** {ustring path; int n}: the body of all three watch requests; {ustring path} (n null): SyncRequest's. */
function pathAndInt(path: string, n: number | null): Body {
  const bytes = Buffer.from(path, 'utf8');
  const intBytes = n === null ? 0 : 4;
  return {
    byteLength: () => 4 + bytes.length + intBytes,
    serialize(b: Buffer, o: number): number {
      b.writeInt32BE(bytes.length, o);
      bytes.copy(b, o + 4);
      if (n !== null) b.writeInt32BE(n, o + 4 + bytes.length);
      return 4 + bytes.length + intBytes;
    },
    setChrootPath(): void {},
  };
}

export interface RawQueue {
  queue(request: unknown, callback: (error: unknown) => void): void;
}

/** Sends one watch request on the session; resolves to the reply header's error code (0 = OK). */
export function sendWatchRequest(cm: RawQueue, opcode: number, path: string, n: number): Promise<number> {
  return sendRaw(cm, opcode, pathAndInt(path, n));
}

/**
 * ZooKeeper.sync(path): the library has no sync either. Sent the same way; the SyncResponse's path
 * after the reply header is dropped with the rest of the frame, as for the other relabelled replies.
 */
export function sendSync(cm: RawQueue, path: string): Promise<number> {
  return sendRaw(cm, OPCODE.sync, pathAndInt(path, null));
}

function sendRaw(cm: RawQueue, opcode: number, body: Body): Promise<number> {
  teachNoWatcher();
  const header = new jute.protocol.RequestHeader();
  header.type = opcode;
  const request = new jute.Request(header, body);
  const toBuffer = request.toBuffer.bind(request);
  request.toBuffer = (): Buffer => {
    const buffer = toBuffer();
    header.type = OPCODE.setWatches; // on the wire with the real opcode; matched as a body-less reply
    return buffer;
  };
  return new Promise((resolve) => {
    cm.queue(request, (error) => {
      if (error === null || error === undefined) resolve(0);
      else if (typeof error === 'object' && 'code' in error && typeof error.code === 'number') resolve(error.code);
      else throw error instanceof Error ? error : new Error(String(error));
    });
  });
}
