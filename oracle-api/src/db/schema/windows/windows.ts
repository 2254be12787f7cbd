import { bigint, integer, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * One row per sealed window, written in the same transaction that decides the window is
 * closed. The document bytes live in the blockstore under `cid`; only the chain status columns
 * (committed, anchored, totals frozen) change afterwards; device freezes live in `frozen_devices`.
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
  /** uint32 on chain (≤ 2^32−1, past int4's 2^31−1): int8, read as a number (exact: below 2^53). */
  deviceCount: bigint('device_count', { mode: 'number' }).notNull(),
  /** uint32 on chain, like deviceCount. */
  readingCount: bigint('reading_count', { mode: 'number' }).notNull(),
  /** The window's exact energy total: it may pass 2^53−1 (no JS number) and reach 2^64−1 (no int8), so numeric(20, 0) read as a bigint. */
  energyWh: numeric('energy_wh', { precision: 20, scale: 0, mode: 'bigint' }).notNull(),
  /**
   * The total per device role (the devices' roles in the registry read at sealing; sums to energy_wh), and devices
   * per role. Null for windows sealed before migration 0006.
   */
  energyProductionWh: numeric('energy_production_wh', { precision: 20, scale: 0, mode: 'bigint' }),
  energyConsumptionWh: numeric('energy_consumption_wh', { precision: 20, scale: 0, mode: 'bigint' }),
  energyGridStatusWh: numeric('energy_grid_status_wh', { precision: 20, scale: 0, mode: 'bigint' }),
  productionDevices: bigint('production_devices', { mode: 'number' }),
  consumptionDevices: bigint('consumption_devices', { mode: 'number' }),
  gridStatusDevices: bigint('grid_status_devices', { mode: 'number' }),
  /** Readings of the window left out of its document (`readings.excluded_reason` set); 0 before migration 0006. */
  excludedReadingCount: bigint('excluded_reading_count', { mode: 'number' }).notNull().default(0),
  /** Unix seconds, from the service clock. */
  sealedAt: bigint('sealed_at', { mode: 'number' }).notNull(),
  /** Unix seconds when the service saw the DON's WindowCommitted (phase one: the digest, before the draw); null before. */
  committedAt: bigint('committed_at', { mode: 'number' }),
  /** Unix seconds when the service saw the window's WindowRecorded (phase two); null while pending or when no DataLogger is watched. */
  anchoredAt: bigint('anchored_at', { mode: 'number' }),
  /** Block timestamp of the DataLogger's WindowTotalsFrozen event (the window's totals proven wrong); null unless frozen. */
  frozenAt: bigint('frozen_at', { mode: 'number' }),
  /** WindowChallenger reason code of the totals freeze (14: totals are not the sums of the summaries); null unless frozen. */
  frozenReason: integer('frozen_reason'),
});

/**
 * The DataLogger's DeviceFrozen events (one device summary in one window proven fraudulent), each with the
 * DeviceCorrected that lifted it, if any. Rewritten per window from the chain's events (reorg-safe); a corrected device
 * frozen again has a second row (`seq` 1).
 */
export const frozenDevices = pgTable(
  'frozen_devices',
  {
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    deviceId: text('device_id').notNull(),
    /** 0 for a device's first freeze in the window, 1 after a correction was frozen again. */
    seq: integer('seq').notNull(),
    /** WindowChallenger reason code (1 bad signature … 15 malformed reading). */
    reason: integer('reason').notNull(),
    /** 0x address of who proved it. */
    challenger: text('challenger').notNull(),
    /** 0x leaf the proof was about. */
    evidence: text('evidence').notNull(),
    /** Block timestamp of the freeze. */
    frozenAt: bigint('frozen_at', { mode: 'number' }).notNull(),
    txHash: text('tx_hash').notNull(),
    /** The corrected summary leaf the DON recorded; null while the device is frozen. */
    correctedLeaf: text('corrected_leaf'),
    correctedCidDigest: text('corrected_cid_digest'),
    correctedAt: bigint('corrected_at', { mode: 'number' }),
    correctionTxHash: text('correction_tx_hash'),
  },
  (t) => [primaryKey({ columns: [t.windowStart, t.deviceId, t.seq] })],
);
