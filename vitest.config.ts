import { defineConfig, configDefaults } from 'vitest/config';

// `npm test` runs everything except the conformance suite, which needs a real ZooKeeper ensemble
// and runs through `npm run test:conformance`.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, 'test/conformance/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
