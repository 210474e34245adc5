// ZooKeeper's error codes (`KeeperException.Code`, 3.8), with their names and wire numbers. The tree
// and the request preparation speak in names; `errorNumber` gives the number a client sees.

export const ERROR_NUMBERS = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ErrorCode = keyof typeof ERROR_NUMBERS;
/** Every code except OK. */
export type FailureCode = Exclude<ErrorCode, 'OK'>;

/** Codes that a session check (`SessionTracker.checkSession`) can raise before any other check. */
export type SessionFailureCode = 'SESSIONEXPIRED' | 'SESSIONMOVED' | 'UNKNOWNSESSION';

export function errorNumber(code: ErrorCode): number {
  return ERROR_NUMBERS[code];
}

const NAMES_BY_NUMBER: ReadonlyMap<number, ErrorCode> = new Map(
  (Object.keys(ERROR_NUMBERS) as ErrorCode[]).map((name) => [ERROR_NUMBERS[name], name] as const),
);

/** The name of a wire error number, or undefined for a number ZooKeeper does not define. */
export function errorCodeOf(value: number): ErrorCode | undefined {
  return NAMES_BY_NUMBER.get(value);
}
