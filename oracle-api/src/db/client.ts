import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

/** Either driver: PGlite (default, embedded) or PostgreSQL through node-postgres (`DATABASE_URL`). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = 'pglite' | 'postgres';

export interface OpenDatabaseParameters {
  /** PGlite directory; undefined = in-memory PGlite. Ignored when `databaseUrl` is given. */
  dataDir?: string;
  /** postgres://… — use this PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables and drizzle's migration journal (created if missing); default `public` (journal in `drizzle`). */
  databaseSchema?: string;
  /** Most pooled PostgreSQL connections; default 10. */
  maxConnections?: number;
}

export interface OpenDatabaseReturnType {
  db: Database;
  kind: DatabaseKind;
  /** The schema drizzle keeps its migration journal in. */
  migrationsSchema: string;
  /** A cheap round trip, for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the database: PostgreSQL when `databaseUrl` is given, else PGlite persisted in
 * `dataDir` (in memory when undefined). Both speak the same schema and migrations.
 * @example const { db, close } = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/gridproof' })
 */
export async function openDatabase(params: OpenDatabaseParameters): Promise<OpenDatabaseReturnType> {
  if (params.databaseUrl) return openPostgres(params.databaseUrl, params.databaseSchema, params.maxConnections ?? 10);
  // PGlite acknowledges a commit only after its WAL write reached the file system (relaxedDurability off),
  // so a SIGKILL right after an ack loses nothing.
  const client = params.dataDir ? new PGlite(params.dataDir, { relaxedDurability: false }) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrationsSchema: 'drizzle',
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, databaseSchema: string | undefined, max: number): Promise<OpenDatabaseReturnType> {
  if (databaseSchema !== undefined && !SCHEMA_NAME.test(databaseSchema)) throw new Error(`Bad schema name ${JSON.stringify(databaseSchema)}.`);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(databaseSchema ? { options: `-c search_path=${databaseSchema}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    if (databaseSchema) await pool.query(`create schema if not exists "${databaseSchema}"`);
    else await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new Error(`Cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  const db = drizzlePg({ client: pool, schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrationsSchema: databaseSchema ?? 'drizzle',
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
