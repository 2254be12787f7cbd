/** Which database the suite runs on: PGlite (default) or PostgreSQL when ORACLE_API_TEST_DB=postgres (see vitest.config.ts). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestBackend = 'pglite' | 'postgres';

export const testBackend: TestBackend = process.env.ORACLE_API_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** The `test` database of the machine's PostgreSQL (trust auth); CI provides the same. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Options for createOracleApi/startOracleApi: nothing on PGlite, a fresh schema on PostgreSQL. */
  config: { databaseUrl?: string; databaseSchema?: string };
  /** Env for src/main.ts as a child. */
  env: Record<string, string>;
  /** Drops the schema (PostgreSQL). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: on PostgreSQL a new schema in the `test` database,
 * dropped by `drop()`. An unreachable PostgreSQL fails the test (never skips it).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend === 'pglite') return { config: {}, env: {}, drop: async () => {} };
  const schema = `oracle_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient((c) => c.query(`create schema "${schema}"`));
  return {
    config: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema },
    env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema },
    drop: () => withClient((c) => c.query(`drop schema if exists "${schema}" cascade`)).then(() => undefined),
  };
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
