import { defineConfig } from 'vitest/config';

// Conformance run (`npm run test:conformance`): starts a real 3-server ZooKeeper 3.8 ensemble
// (Debian package `zookeeper`, JDK) once per test file. One file at a time: the ensemble uses
// three JVMs and the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
