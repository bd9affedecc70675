import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Two replicas behind nginx: `npm run test:cluster` (vitest.cluster.config.ts); faults:
    // `npm run test:faults` (vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**', 'test/faults/**', 'test/abuse/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
