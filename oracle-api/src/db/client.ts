import { PGlite } from '@electric-sql/pglite';
import { drizzle, type PgliteDatabase } from 'drizzle-orm/pglite';
import * as schema from './schema/index.js';

export type Database = PgliteDatabase<typeof schema>;

export interface OpenDatabaseReturnType {
  db: Database;
  pg: PGlite;
  close(): Promise<void>;
}

/**
 * Opens PGlite: persisted in `dataDir`, or in memory when `dataDir` is undefined.
 * @example const { db, close } = await openDatabase({ dataDir: '.data/pglite' })
 */
export async function openDatabase({ dataDir }: { dataDir?: string }): Promise<OpenDatabaseReturnType> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  const db = drizzle({ client: pg, schema });
  return { db, pg, close: () => pg.close() };
}
