import { defineConfig } from 'vitest/config';

// End-to-end tests: the built extension in real Chromium (and DevTools) against local servers.
// One file at a time: each starts its own browser, and the machine has two cores.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
