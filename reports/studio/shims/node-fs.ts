// The studio page's stand-in for node:fs: a page has no files. The engine writes its trace into
// memory (MemorySink), so none of these is called; if one were, it says so rather than misbehave.
function noFiles(): never {
  throw new Error('the studio page has no file access');
}
export const openSync = noFiles;
export const writeSync = noFiles;
export const closeSync = noFiles;
export const readSync = noFiles;
export const fstatSync = noFiles;
export const readFileSync = noFiles;
export const existsSync = (): boolean => false;
