// Record builders for the persistent-watch differential tests (round 12: wp, wq): addWatch ops, creates and their
// replies, and ENDED records, beside differential-records.ts's op and event.
export const recursive = (path: string) => ({ type: 'addWatch', path, mode: 'persistentRecursive' });
export const persistent = (path: string) => ({ type: 'addWatch', path, mode: 'persistent' });
export const create = (path: string, data = 'v', mode = 'persistent') => ({ type: 'create', path, data, mode });
export const ok = { rc: 'ok' };
export const made = (path: string) => ({ rc: 'ok', path });
export const ended = (session: number, zxid: number, atUs: number) => ({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid });
