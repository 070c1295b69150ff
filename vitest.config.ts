import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit tests: pure lib/ code and the panel store, with WXT's fake browser and fake IndexedDB.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    env: { BROWSER: 'chrome' },
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
