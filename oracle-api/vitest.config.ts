import { defineConfig } from 'vitest/config';

/** Tests that touch the database run twice: on PGlite and on PostgreSQL (a fresh schema per file). */
const DATABASE_TESTS = [
  'src/routes/**/*.test.ts',
  'src/services/anchorWatcher.test.ts',
  'src/createOracleApi.test.ts',
  'src/durability.test.ts',
  'src/mqtt/**/*.test.ts',
  'src/live/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'pglite', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: DATABASE_TESTS, env: { ORACLE_API_TEST_DB: 'postgres' } } },
    ],
  },
});
