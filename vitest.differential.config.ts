import { defineConfig, configDefaults } from 'vitest/config';

// `npm run test:differential`: zabsim's client checkers against the independent reference checker on
// 2,000 generated histories, perturbed or not. It is not part of `npm test` while disagreements remain
// (issue 18 is open; the counts are in its notes and `npm run check:sweep` reproduces them).
export default defineConfig({
  test: {
    include: ['test/reference/differential.test.ts'],
    exclude: [...configDefaults.exclude],
    testTimeout: 900_000,
  },
});
