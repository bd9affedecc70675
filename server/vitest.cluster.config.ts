import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:cluster`: two replica processes behind nginx (test/cluster/), with the same global
 * set-up as `npm test` (DATABASE_URL's PostgreSQL, or an embedded one) and Redis at REDIS_URL.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/cluster/**/*.test.ts'],
    exclude: [],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
