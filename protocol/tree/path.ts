// Znode path rules, as in org.apache.zookeeper.common.PathUtils.validatePath (3.8), and the
// parent/child splitting that DataTree and PrepRequestProcessor do with lastIndexOf('/').

/** The reason a path is invalid, or null when PathUtils.validatePath would accept it. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'Path length must be > 0';
  if (path.charCodeAt(0) !== 0x2f) return 'Path must start with / character';
  if (path.length === 1) return null; // the root
  if (path.charCodeAt(path.length - 1) === 0x2f) return 'Path must not end with / character';
  let last = 0x2f;
  for (let i = 1; i < path.length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    const next = i + 1 === path.length ? -1 : path.charCodeAt(i + 1);
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e) {
      // ".." is relative only as a whole component; "...", "a..", "..b" are ordinary names.
      if (path.charCodeAt(i - 2) === 0x2f && (next === -1 || next === 0x2f)) return `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (path.charCodeAt(i - 1) === 0x2f && (next === -1 || next === 0x2f)) return `relative paths not allowed @${i}`;
    } else if ((c > 0x0000 && c <= 0x001f) || (c >= 0x007f && c <= 0x009f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) {
      return `invalid character @${i}`;
    }
  }
  return null;
}

export function isValidPath(path: string): boolean {
  return pathProblem(path) === null;
}

/** The client library's check (ZooKeeper.create): a sequential path is validated with a "1" appended. */
export function isValidClientPath(path: string, sequential: boolean): boolean {
  return isValidPath(sequential ? `${path}1` : path);
}

/** path.substring(0, lastIndexOf('/')): "" for a child of the root. Undefined when there is no '/'. */
export function parentPathOf(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? undefined : path.slice(0, slash);
}

export function childNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** DataTree keeps the root under both "" and "/"; watches on the root use "/". */
export function canonicalPath(path: string): string {
  return path === '' ? '/' : path;
}

/** String.format(Locale.ENGLISH, "%010d", n) for a Java int. */
export function formatSequence(n: number): string {
  const digits = Math.abs(n).toString();
  if (n < 0) return `-${digits.padStart(9, '0')}`;
  return digits.padStart(10, '0');
}
