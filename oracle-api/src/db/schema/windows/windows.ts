import { bigint, integer, numeric, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * One row per sealed window, written in the same transaction that decides the window is
 * closed. The document bytes live in the blockstore under `cid`; only the chain status columns
 * (anchored, frozen) change afterwards.
 */
export const windows = pgTable('windows', {
  /** Unix seconds, aligned to `window_seconds`. */
  windowStart: bigint('window_start', { mode: 'number' }).primaryKey(),
  windowSeconds: integer('window_seconds').notNull(),
  /** CIDv1 dag-json sha2-256 of the document bytes (base32 string). */
  cid: text('cid').notNull(),
  /** 0x sha-256 of the document bytes: the digest the DataLogger stores on chain. */
  cidDigest: text('cid_digest').notNull(),
  /** 0x Merkle root over the device summary leaves. */
  root: text('root').notNull(),
  deviceCount: integer('device_count').notNull(),
  readingCount: integer('reading_count').notNull(),
  /** The window's exact energy total: it may pass 2^53−1 (no JS number) and reach 2^64−1 (no int8), so numeric(20, 0) read as a bigint. */
  energyWh: numeric('energy_wh', { precision: 20, scale: 0, mode: 'bigint' }).notNull(),
  /** Unix seconds, from the service clock. */
  sealedAt: bigint('sealed_at', { mode: 'number' }).notNull(),
  /** Unix seconds when the service saw DataLogger.isRecorded(windowStart) true; null while pending or when no DataLogger is watched. */
  anchoredAt: bigint('anchored_at', { mode: 'number' }),
  /** Block timestamp of the DataLogger's WindowFrozen event (a proven fraud); null unless frozen. */
  frozenAt: bigint('frozen_at', { mode: 'number' }),
  /** WindowChallenger reason code of the freeze (1 bad signature … 6 device not registered); null unless frozen. */
  frozenReason: integer('frozen_reason'),
});
