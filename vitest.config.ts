import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql: without this the ESM and CJS builds both load and schema construction fails.
    alias: { graphql: require.resolve('graphql/index.js') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // *.pg.test.ts need PostgreSQL itself (several processes on one database, outages, TLS): only
    // in the PostgreSQL pass.
    exclude: process.env.TEST_DATABASE_URL ? [] : ['test/**/*.pg.test.ts'],
    // Checks the PostgreSQL server once when TEST_DATABASE_URL is set (npm run test:pg).
    globalSetup: ['test/support/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/run prints its summary line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: process.env.TEST_DATABASE_URL ? 'test-results/vitest-postgresql.json' : 'test-results/vitest.json' },
  },
});
