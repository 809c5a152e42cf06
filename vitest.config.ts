import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    setupFiles: ['suites/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: [
      'default',
      ['junit', { outputFile: 'reports/junit.xml' }],
      ['allure-vitest/reporter', { resultsDir: 'reports/allure-results' }],
    ],
  },
});
