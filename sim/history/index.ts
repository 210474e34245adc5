// Public surface of the history readers and writers.
export { inferHistoryFormat } from './detect.js';
export { formatNdjsonHistory, parseNdjsonHistory } from './ndjson.js';
export { parsePorcupineEtcd, parsePorcupineKv } from './porcupine.js';
export { HISTORY_FORMATS, HistoryFormatError, isZkWrite } from './types.js';
export type * from './types.js';
