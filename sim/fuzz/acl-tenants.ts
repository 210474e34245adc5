// A protected node and the clients that watch it without the right to read it: for a share of the
// service cases, one client (the owner, authenticated as the workload's digest user) keeps a node under
// /n1 whose ACL lets only that user read it, and one or two other clients watch it the way an
// application on a shared ensemble does: an exists watch (which 3.8.0 checks against no ACL) on a node
// of another tenant, or a watch set while the node was open, before its owner locked it down with
// setACL (an operator tightening a node's ACL). The owner then changes the node: new data, children,
// a delete and a create again. Servers that filter events by READ (ZOOKEEPER-4799) consume those watches
// and send nothing; the watchers set them again a little later, as a client does that polls a node.
//
// The base draw has digest ACLs and exists watches too, but on its pool paths a watch and a change of
// a protected node by its owner rarely line up (seeds 0..99 of the standard profile: none). Drawn after
// every other layer, so a seed without it is the case it was before. Nothing here knows about mutants
// or probes.
import fc from 'fast-check';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { CREATOR_ALL_ACL, OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';
import { DIGEST_ACL, DIGEST_USER } from './service-workload.js';

type Change = 'setData' | 'child' | 'removeChild' | 'delete' | 'create';

export interface AclTenantDraw {
  readonly owner: number;
  readonly watchers: readonly number[];
  readonly path: string;
  /** Created open, watched, then locked down with setACL; else created protected. */
  readonly lockdown: boolean;
  /** The protected ACL: the digest user's, or the creator's own (`auth`, expanded to the owner's digest). */
  readonly creatorAcl: boolean;
  readonly startMs: number;
  readonly changes: readonly { readonly gapMs: number; readonly change: Change }[];
}

/** No tenant for most service cases; for the profile's aclTenantPercent of those with two clients or more, one (unbiased roll). */
export function aclTenantArb(profile: Profile, c: FuzzCase): fc.Arbitrary<AclTenantDraw | null> {
  if (profile.aclTenantPercent <= 0 || c.service === undefined || c.clients < 2) return fc.constant(null);
  const last = c.clients - 1;
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.aclTenantPercent
      ? fc.constant(null)
      : fc
          .record({
            owner: fc.integer({ min: 0, max: last }),
            others: fc.uniqueArray(fc.integer({ min: 0, max: last }), { minLength: 1, maxLength: 2 }),
            path: fc.constantFrom('/n1/p0', '/n1/p1'),
            lockdown: fc.boolean(),
            creatorAcl: fc.boolean(),
            startMs: fc.integer({ min: 300, max: Math.max(300, c.faultsUntilMs - 2_000) }),
            changes: fc.array(
              fc.record({
                gapMs: fc.integer({ min: 100, max: 1_500 }),
                change: fc.constantFrom<Change>('setData', 'setData', 'child', 'removeChild', 'delete', 'create'),
              }),
              { minLength: 2, maxLength: 6 },
            ),
          })
          .map(({ owner, others, ...rest }) => {
            const watchers = others.filter((w) => w !== owner);
            return { owner, watchers: watchers.length > 0 ? watchers : [(owner + 1) % c.clients], ...rest };
          }),
  );
}

/** The owner's calls and the watchers' watches, each with its time. */
function callsOf(d: AclTenantDraw): { readonly atMs: number; readonly client: number; readonly command: ZkCommand }[] {
  const acl = d.creatorAcl ? CREATOR_ALL_ACL : DIGEST_ACL;
  const out: { atMs: number; client: number; command: ZkCommand }[] = [];
  const owner = (atMs: number, command: ZkCommand): void => void out.push({ atMs, client: d.owner, command });
  const watch = (atMs: number, children: boolean): void => {
    for (const w of d.watchers) {
      out.push({ atMs, client: w, command: { type: 'exists', path: d.path, watch: true } });
      if (children) out.push({ atMs, client: w, command: { type: 'getChildren', path: d.path, watch: true } });
    }
  };
  let t = d.startMs;
  owner(t, { type: 'addAuthInfo', scheme: 'digest', auth: DIGEST_USER });
  owner(t, { type: 'create', path: d.path, data: 'v0', acl: d.lockdown ? OPEN_ACL_UNSAFE : acl, mode: 'PERSISTENT' });
  watch(t + 50, d.lockdown);
  if (d.lockdown) {
    t += 200;
    owner(t, { type: 'setACL', path: d.path, acl, version: -1 });
  }
  d.changes.forEach(({ gapMs, change }, i) => {
    t += gapMs;
    const child = `${d.path}/c`;
    switch (change) {
      case 'setData':
        owner(t, { type: 'setData', path: d.path, data: `v${i + 1}`, version: -1 });
        break;
      case 'child':
        owner(t, { type: 'create', path: child, data: '', acl, mode: 'EPHEMERAL' });
        break;
      case 'removeChild':
        owner(t, { type: 'remove', path: child, version: -1 });
        break;
      case 'delete':
        owner(t, { type: 'remove', path: d.path, version: -1 });
        break;
      case 'create':
        owner(t, { type: 'create', path: d.path, data: `v${i + 1}`, acl, mode: 'PERSISTENT' });
        break;
    }
    watch(t + 50, false);
  });
  return out;
}

/** The case with the tenant's calls among its operations (calls at one instant run in order). */
export function withAclTenant(c: FuzzCase, d: AclTenantDraw | null): FuzzCase {
  if (d === null) return c;
  const added: WorkloadOp[] = callsOf(d).map(({ atMs, client, command }) => ({ atMs, client, op: { type: 'zk' as const, command } }));
  return { ...c, ops: [...c.ops, ...added].sort((x, y) => x.atMs - y.atMs) };
}
