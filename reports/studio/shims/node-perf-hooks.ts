// The studio page's stand-in for node:perf_hooks: the browser's own clock (used for timing figures only).
export const performance = globalThis.performance;
