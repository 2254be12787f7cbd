/**
 * Applies oracle-api/drizzle to the service's database — PostgreSQL at DATABASE_URL (schema
 * DATABASE_SCHEMA) when set, else DATA_DIR's PGlite — and exits non-zero on failure. The
 * service also migrates at start, so this is for operators and CI.
 * Usage: DATABASE_URL=postgres://… npm run db:migrate -w oracle-api   (or DATA_DIR=.data …)
 */
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../createOracleApi.js';
import { openDatabase, redact } from './client.js';
import { applyMigrations } from './migrations.js';

const dataDir = process.env.DATA_DIR ?? DEFAULT_DATA_DIR;
const databaseUrl = process.env.DATABASE_URL || undefined;
try {
  if (!databaseUrl && dataDir === 'memory') throw new Error('DATA_DIR=memory has nothing to migrate.');
  const database = await openDatabase({ dataDir: join(dataDir, 'pglite'), databaseUrl, databaseSchema: process.env.DATABASE_SCHEMA || undefined });
  try {
    await applyMigrations(database);
  } finally {
    await database.close();
  }
  console.log(`migrated ${databaseUrl ? redact(databaseUrl) : join(dataDir, 'pglite')}`);
} catch (err) {
  console.error('migration failed:', err);
  process.exit(1);
}
