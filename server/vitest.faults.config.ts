import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:faults`: PostgreSQL restarted under load, a server killed mid-batch, Redis stopped
 * and started (test/faults/). Each file runs its own embedded PostgreSQL (and Redis) that it may
 * stop, and its servers in child processes; no global set-up. One file at a time: they measure
 * recovery times on a small machine.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: [],
    globalSetup: [],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
