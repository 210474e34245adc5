// Clients of ZooKeeper 3.6's read calls: for a share of the service cases, a few clients use the calls
// the base draw leaves out, as applications do. One checks who it is after authenticating (addAuthInfo,
// then whoAmI: a tool that verifies its credentials took); one creates its own ephemeral and later
// lists its ephemerals by prefix (getEphemerals: a client that finds what it still owns after a
// reconnect).
//
// Each stays within what the client checkers judge in full, so that the layer adds observations, not
// unknown verdicts: whoAmI goes to no checker (the client itself checks its reply, reply-shape.ts); a
// client's ephemeral sits at a path only that client creates, under a prefix nothing else matches
// (ephemerals-split.ts can then check the answer whole), listed at least 50 ms after the create (a
// call of the same session at the same instant would leave the answer unsplit). A multi of reads is left out: on a 2,000-seed
// sweep it turned the read checkers' "ok" into "unknown" on about 80 seeds (multi-read-split.ts cannot
// split one whose sub-reads are several, or fail with NOAUTH, or whose reply was lost).
// Drawn after every other layer, so a seed without it is the case it was before. Nothing here knows
// about mutants or probes.
import fc from 'fast-check';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';
import { DIGEST_USER } from './service-workload.js';

/** The path of client `client`'s own ephemeral (its getEphemerals prefix matches nothing else: at most 10 clients). */
export function ownEphemeralPath(client: number): string {
  return `/n0/e${client}`;
}

type ReadApiUse = { readonly kind: 'whoAmI'; readonly auth: string | null } | { readonly kind: 'ephemerals'; readonly listAfterMs: number };

export interface ReadApiDraw {
  readonly uses: readonly { readonly atMs: number; readonly client: number; readonly use: ReadApiUse }[];
}

const useArb: fc.Arbitrary<ReadApiUse> = fc.oneof(
  fc.record({ kind: fc.constant('whoAmI' as const), auth: fc.constantFrom<string | null>(DIGEST_USER, DIGEST_USER, 'u1:wrong', null) }),
  fc.record({ kind: fc.constant('ephemerals' as const), listAfterMs: fc.integer({ min: 50, max: 4_000 }) }),
);

/** No use for most service cases; for the profile's readApiPercent of them, two to six (unbiased roll). */
export function readApiArb(profile: Profile, c: FuzzCase): fc.Arbitrary<ReadApiDraw | null> {
  if (profile.readApiPercent <= 0 || c.service === undefined) return fc.constant(null);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.readApiPercent
      ? fc.constant(null)
      : fc
          .array(
            fc.record({
              atMs: fc.integer({ min: 300, max: c.faultsUntilMs + 1_000 }),
              client: fc.integer({ min: 0, max: Math.max(0, c.clients - 1) }),
              use: useArb,
            }),
            { minLength: 2, maxLength: 6 },
          )
          .map((uses) => ({ uses })),
  );
}

function callsOf(client: number, use: ReadApiUse): { readonly afterMs: number; readonly command: ZkCommand }[] {
  switch (use.kind) {
    case 'whoAmI':
      return [
        ...(use.auth === null ? [] : [{ afterMs: 0, command: { type: 'addAuthInfo', scheme: 'digest', auth: use.auth } as ZkCommand }]),
        { afterMs: 0, command: { type: 'whoAmI' } },
      ];
    case 'ephemerals': {
      const path = ownEphemeralPath(client);
      return [
        { afterMs: 0, command: { type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL' } },
        { afterMs: use.listAfterMs, command: { type: 'getEphemerals', path } },
      ];
    }
  }
}

/** The case with the uses' calls among its operations (calls at one instant run in order). */
export function withReadApi(c: FuzzCase, d: ReadApiDraw | null): FuzzCase {
  if (d === null) return c;
  const added: WorkloadOp[] = d.uses.flatMap(({ atMs, client, use }) =>
    callsOf(client, use).map(({ afterMs, command }) => ({ atMs: atMs + afterMs, client, op: { type: 'zk' as const, command } })),
  );
  return { ...c, ops: [...c.ops, ...added].sort((x, y) => x.atMs - y.atMs) };
}
