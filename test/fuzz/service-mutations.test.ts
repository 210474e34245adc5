// Proves the service workload reaches the ZooKeeper service layer: mistakes planted in the servers
// for this test only (a watch event never sent, ephemeral creates kept as persistent nodes, a setData
// or delete whose expected version is ignored, sessions that never expire, a reply of the wrong
// record, an auth packet recorded as another user) are each found by the fuzzer's checkers within the
// first few hundred service seeds, and the same seed passes without the mistake.
import { describe, expect, test } from 'vitest';
import type { NodeProgram } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type RunCaseOptions } from '../../sim/fuzz/case.js';

type AnyProgram = NodeProgram<unknown, unknown, unknown, unknown, unknown>;
type Wrap = NonNullable<RunCaseOptions['wrapServer']>;

/** The servers' program with each transition's effects rewritten. */
function mapEffects(f: (effects: readonly unknown[]) => unknown[]): Wrap {
  return (p: AnyProgram): AnyProgram => ({
    ...p,
    step: (s, e) => {
      const [next, effects] = p.step(s, e);
      return [next, f(effects as readonly unknown[]) as typeof effects];
    },
  });
}

/** The servers' program with each client request rewritten on arrival (a copy; the input is not touched). */
function mapRequests(f: (request: Record<string, unknown>) => Record<string, unknown>): Wrap {
  return (p: AnyProgram): AnyProgram => ({
    ...p,
    step: (s, e) => {
      const ev = e as { type: string; msg?: ZabMessage };
      if (ev.type !== 'deliver' || ev.msg?.type !== 'ZK_REQUEST') return p.step(s, e);
      const msg = ev.msg as Extract<ZabMessage, { type: 'ZK_REQUEST' }>;
      const request = f(msg.request as unknown as Record<string, unknown>);
      return p.step(s, { ...ev, msg: { ...msg, request } } as typeof e);
    },
  });
}

const MUTATIONS: Readonly<Record<string, Wrap>> = {
  // WatchManager.triggerWatch never sending the event (the watch is used up all the same). A
  // duplicate event would not do as a planted mistake: the client (ZKWatchManager.materialize) finds
  // no watch left for the second copy and, like ZooKeeper's, delivers it to nobody.
  'watch event lost': mapEffects((effects) =>
    effects.filter((x) => {
      const fx = x as { type: string; msg?: { type: string } };
      return !(fx.type === 'send' && fx.msg?.type === 'WATCHER_EVENT');
    }),
  ),
  // An ephemeral create made persistent: the node outlives its session's close or expiry.
  'ephemerals kept at session end': mapRequests((r) =>
    r['type'] === 'create' && (r['mode'] === 'EPHEMERAL' || r['mode'] === 'EPHEMERAL_SEQUENTIAL')
      ? { ...r, mode: r['mode'] === 'EPHEMERAL' ? 'PERSISTENT' : 'PERSISTENT_SEQUENTIAL' }
      : r,
  ),
  // PrepRequestProcessor skipping the version check of setData and delete.
  'version check skipped': mapRequests((r) => (r['type'] === 'setData' || r['type'] === 'delete' ? { ...r, version: -1 } : r)),
};

/** The servers' program with every fired timer of that name dropped (the reducer never sees it). */
function dropTimer(name: string): Wrap {
  return (p: AnyProgram): AnyProgram => ({
    ...p,
    step: (s, e) => {
      const ev = e as { type: string; timer?: string };
      return ev.type === 'timeout' && ev.timer === name ? [s, []] : p.step(s, e);
    },
  });
}

/** The servers' program with each reply to a client rewritten as it is sent. */
function mapReplies(f: (reply: Record<string, unknown>) => Record<string, unknown>): Wrap {
  return mapEffects((effects) =>
    effects.map((x) => {
      const fx = x as { type: string; msg?: { type: string; reply?: Record<string, unknown> } };
      if (fx.type !== 'send' || fx.msg?.type !== 'ZK_REPLY' || fx.msg.reply === undefined) return x;
      return { ...fx, msg: { ...fx.msg, reply: f(fx.msg.reply) } };
    }),
  );
}

// Mistakes that only a judgment added for issue 16's survivors sees, each with the checker that must name it.
const JUDGED: Readonly<Record<string, { wrap: Wrap; checker: string }>> = {
  // A leader whose session tracker never runs (SessionTrackerImpl.run never expiring anything).
  'sessions never expire': { wrap: dropTimer('expire'), checker: 'liveness' },
  // FinalRequestProcessor answering getData with the record of another opcode (a switch case that falls through).
  'getData answered with an exists record': {
    wrap: mapReplies((r) => {
      const resp = r['response'] as { type?: string; stat?: unknown } | null;
      return resp?.type === 'getData' ? { ...r, response: { type: 'exists', stat: resp.stat } } : r;
    }),
    checker: 'single-server-assertions',
  },
  // ZooKeeperServer.processPacket recording an auth packet as another user's id.
  'auth recorded as another user': {
    wrap: mapRequests((r) => (r['type'] === 'auth' && r['scheme'] === 'digest' ? { ...r, auth: 'someone-else:pw' } : r)),
    checker: 'single-server-assertions',
  },
};

/** The first service seed in [0, limit) that fails with the mistake planted, and what failed. */
function firstFailing(wrap: Wrap, limit: number): { n: number; failure: string } | null {
  for (let n = 0; n < limit; n++) {
    const c = caseForSeed('standard', n);
    if (c.service === undefined) continue;
    const r = runCase(c, { wrapServer: wrap });
    if (r.failure !== null) return { n, failure: r.failure };
  }
  return null;
}

describe('planted service-layer mistakes are found', () => {
  for (const [name, wrap] of Object.entries(MUTATIONS)) {
    test(
      name,
      () => {
        const found = firstFailing(wrap, 300);
        expect(found, `${name}: no failure in seeds 0..299`).not.toBeNull();
        const { n, failure } = found as { n: number; failure: string };
        expect(failure).not.toBe('internal-error');
        // The failure is the mistake's: the same case without it passes.
        expect(runCase(caseForSeed('standard', n)).failure).toBeNull();
      },
      600_000,
    );
  }
});

describe('planted service-layer mistakes are found by the judgments for issue 16', () => {
  for (const [name, { wrap, checker }] of Object.entries(JUDGED)) {
    test(
      name,
      () => {
        const found = firstFailing(wrap, 300);
        expect(found, `${name}: no failure in seeds 0..299`).not.toBeNull();
        const { n, failure } = found as { n: number; failure: string };
        expect(failure).toBe(checker);
        expect(runCase(caseForSeed('standard', n)).failure).toBeNull();
      },
      600_000,
    );
  }
});
