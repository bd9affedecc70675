import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The hostile-input suite (`npm run test:abuse`): the same database set-up, its own files. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/abuse/**/*.test.ts'],
    exclude: configDefaults.exclude,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
