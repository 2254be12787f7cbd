/**
 * Applies the migrations in oracle-api/drizzle to DATA_DIR's PGlite database; exits non-zero on
 * failure. The service also migrates at start, so this is for operators and CI.
 * Usage: DATA_DIR=.data npm run db:migrate -w oracle-api
 */
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../createOracleApi.js';
import { openDatabase } from './client.js';
import { applyMigrations } from './migrations.js';

const dataDir = process.env.DATA_DIR ?? DEFAULT_DATA_DIR;
try {
  if (dataDir === 'memory') throw new Error('DATA_DIR=memory has nothing to migrate.');
  const { db, close } = await openDatabase({ dataDir: join(dataDir, 'pglite') });
  try {
    await applyMigrations(db);
  } finally {
    await close();
  }
  console.log(`migrated ${join(dataDir, 'pglite')}`);
} catch (err) {
  console.error('migration failed:', err);
  process.exit(1);
}
