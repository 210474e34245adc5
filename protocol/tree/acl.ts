// ACLs as ZooKeeper 3.8 checks them: ZooDefs (perms, well-known lists), ZooKeeperServer.checkACL,
// PrepRequestProcessor.fixupACL, and the digest and ip authentication providers. Schemes modelled:
// world, auth, digest, ip, and the `super` identity. sasl and x509 providers are not registered here,
// so an ACL naming them is INVALIDACL, as on a server that has not enabled them.
import { generateDigest } from './digest.js';
import type { FailureCode } from './errors.js';

/** An authenticated identity of a connection, or the id part of an ACL entry. */
export interface Id {
  readonly scheme: string;
  readonly id: string;
}

export interface Acl {
  readonly perms: number;
  readonly id: Id;
}

export const PERMS = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export const ANYONE_ID_UNSAFE: Id = Object.freeze({ scheme: 'world', id: 'anyone' });
/** Expanded by fixupACL to the caller's authenticated ids. */
export const AUTH_IDS: Id = Object.freeze({ scheme: 'auth', id: '' });

export const OPEN_ACL_UNSAFE: readonly Acl[] = Object.freeze([Object.freeze({ perms: PERMS.ALL, id: ANYONE_ID_UNSAFE })]);
export const CREATOR_ALL_ACL: readonly Acl[] = Object.freeze([Object.freeze({ perms: PERMS.ALL, id: AUTH_IDS })]);
export const READ_ACL_UNSAFE: readonly Acl[] = Object.freeze([Object.freeze({ perms: PERMS.READ, id: ANYONE_ID_UNSAFE })]);

/** The id NIOServerCnxn/NettyServerCnxn add to every connection's authInfo on accept. */
export function ipAuthId(clientAddress: string): Id {
  return { scheme: 'ip', id: clientAddress };
}

/**
 * The ids `addAuthInfo("digest", "user:password")` adds (DigestAuthenticationProvider.handleAuthentication):
 * the digest id, preceded by `super:` when it equals the server's configured superDigest.
 */
export function digestAuthIds(userPassword: string, superDigest?: string): Id[] {
  const digest = generateDigest(userPassword);
  const ids: Id[] = [];
  if (superDigest !== undefined && digest === superDigest) ids.push({ scheme: 'super', id: '' });
  ids.push({ scheme: 'digest', id: digest });
  return ids;
}

/** Java's String.split(regex-of-one-literal-char, limit): limit 0 drops trailing empty strings. */
function javaSplit(text: string, separator: string, limit: number): string[] {
  if (limit > 0) {
    const parts: string[] = [];
    let rest = text;
    while (parts.length < limit - 1) {
      const at = rest.indexOf(separator);
      if (at < 0) break;
      parts.push(rest.slice(0, at));
      rest = rest.slice(at + separator.length);
    }
    parts.push(rest);
    return parts;
  }
  const parts = text.split(separator);
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Integer.parseInt for decimal ASCII input: optional sign, at least one digit, within int range. */
function javaParseInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  if (value < -2147483648 || value > 2147483647) return undefined;
  return value === 0 ? 0 : value; // no -0
}

/** IPAuthenticationProvider.v4addr2Bytes (IPv6 is a TODO in ZooKeeper too). */
function ipv4Bytes(address: string): number[] | undefined {
  const parts = javaSplit(address, '.', -1);
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    const value = javaParseInt(part);
    if (value === undefined || value < 0 || value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function maskBytes(bytes: readonly number[], bits: number): number[] {
  const out = bytes.slice();
  let start = Math.floor(bits / 8);
  let startMask = ~((1 << (8 - (bits % 8))) - 1);
  while (start < out.length) {
    out[start] = (out[start] ?? 0) & startMask & 0xff;
    startMask = 0;
    start++;
  }
  return out;
}

/** IPAuthenticationProvider.matches(id = client address, aclExpr = "addr[/bits]"). */
export function ipMatches(clientAddress: string, aclExpression: string): boolean {
  const parts = javaSplit(aclExpression, '/', 2);
  const aclAddress = ipv4Bytes(parts[0] ?? '');
  if (aclAddress === undefined) return false;
  let bits = aclAddress.length * 8;
  if (parts.length === 2) {
    const parsed = javaParseInt(parts[1] ?? '');
    if (parsed === undefined || parsed < 0 || parsed > aclAddress.length * 8) return false;
    bits = parsed;
  }
  const remote = ipv4Bytes(clientAddress);
  if (remote === undefined) return false;
  const a = maskBytes(aclAddress, bits);
  const r = maskBytes(remote, bits);
  return r.every((byte, i) => byte === a[i]);
}

/** IPAuthenticationProvider.isValid. */
export function isValidIpAclId(id: string): boolean {
  const parts = javaSplit(id, '/', 2);
  const address = ipv4Bytes(parts[0] ?? '');
  if (address === undefined) return false;
  if (parts.length === 2) {
    const bits = javaParseInt(parts[1] ?? '');
    if (bits === undefined || bits < 0 || bits > address.length * 8) return false;
  }
  return true;
}

/** DigestAuthenticationProvider.isValid: `id.split(":").length == 2`. */
export function isValidDigestAclId(id: string): boolean {
  return javaSplit(id, ':', 0).length === 2;
}

type Provider = {
  readonly isAuthenticated: boolean;
  readonly isValid: (id: string) => boolean;
  readonly matches: (authId: string, aclId: string) => boolean;
};

/** ProviderRegistry with its default providers (ip, digest). */
const PROVIDERS: ReadonlyMap<string, Provider> = new Map<string, Provider>([
  ['digest', { isAuthenticated: true, isValid: isValidDigestAclId, matches: (authId, aclId) => authId === aclId }],
  ['ip', { isAuthenticated: false, isValid: isValidIpAclId, matches: ipMatches }],
]);

/** ZooKeeperServer.checkACL: true when `authIds` may do `perm` on a node with `acl`. */
export function checkAcl(acl: readonly Acl[], perm: number, authIds: readonly Id[]): boolean {
  if (acl.length === 0) return true;
  if (authIds.some((authId) => authId.scheme === 'super')) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    if (entry.id.scheme === 'world' && entry.id.id === 'anyone') return true;
    const provider = PROVIDERS.get(entry.id.scheme);
    if (provider === undefined) continue;
    for (const authId of authIds) {
      if (authId.scheme === entry.id.scheme && provider.matches(authId.id, entry.id.id)) return true;
    }
  }
  return false;
}

function sameAcl(a: Acl, b: Acl): boolean {
  return a.perms === b.perms && a.id.scheme === b.id.scheme && a.id.id === b.id.id;
}

/**
 * PrepRequestProcessor.fixupACL: drop duplicates (keeping the first), refuse an empty list, expand
 * `auth` entries to every authenticated id of the caller whose provider says isAuthenticated (digest,
 * not ip), and refuse unknown schemes or ids their provider rejects. Expanded entries are not
 * deduplicated again, as in ZooKeeper.
 */
export function fixupAcl(acl: readonly Acl[], authIds: readonly Id[]): readonly Acl[] | FailureCode {
  const unique: Acl[] = [];
  for (const entry of acl) if (!unique.some((seen) => sameAcl(seen, entry))) unique.push(entry);
  if (unique.length === 0) return 'INVALIDACL';
  const fixed: Acl[] = [];
  for (const entry of unique) {
    if (entry.id.scheme === 'world' && entry.id.id === 'anyone') {
      fixed.push(entry);
    } else if (entry.id.scheme === 'auth') {
      let expanded = false;
      for (const authId of authIds) {
        // A scheme with no registered provider (super, say) is skipped: ZooKeeper logs and moves on.
        if (PROVIDERS.get(authId.scheme)?.isAuthenticated === true) {
          expanded = true;
          fixed.push({ perms: entry.perms, id: { scheme: authId.scheme, id: authId.id } });
        }
      }
      if (!expanded) return 'INVALIDACL';
    } else {
      const provider = PROVIDERS.get(entry.id.scheme);
      if (provider === undefined || !provider.isValid(entry.id.id)) return 'INVALIDACL';
      fixed.push(entry);
    }
  }
  return fixed;
}

/** What getACL shows a caller without ADMIN: digest ids become "user:x" (`replaceAll(":.*", ":x")`). */
export function redactDigests(acl: readonly Acl[]): Acl[] {
  return acl.map((entry) => {
    if (entry.id.scheme !== 'digest') return entry;
    // Like Java's, JavaScript's '.' stops at line terminators, so the two replaceAll agree.
    return { perms: entry.perms, id: { scheme: entry.id.scheme, id: entry.id.id.replace(/:.*/g, ':x') } };
  });
}
