import { bigint, index, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { bytea } from '../types.js';

/**
 * Every accepted signed reading, exactly as the meter signed it. Rows are never deleted; only `excluded_reason` is
 * ever set, once, by the sealer.
 */
export const readings = pgTable(
  'readings',
  {
    /** `XXXX_ZZZZ`, as in the reading bytes. */
    deviceId: text('device_id').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull(),
    /** Unix seconds, from the reading. */
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
    /** Start (unix seconds) of the UTC-aligned window the timestamp falls in. */
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    powerW: bigint('power_w', { mode: 'number' }).notNull(),
    energyWh: bigint('energy_wh', { mode: 'number' }).notNull(),
    voltageMv: bigint('voltage_mv', { mode: 'number' }).notNull(),
    /** 1 ON, 0 OFF (the wire byte). */
    status: smallint('status').notNull(),
    /** The 107 signed bytes (reading ‖ signature): what the window document and Merkle leaf commit to. */
    signed: bytea('signed').notNull(),
    /** Unix seconds, from the service clock, when the batch committed. */
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    /**
     * Set by the sealer when the registry it read after the window's end says the reading does not count, so it was
     * left out of the window document: `DEVICE_REVOKED` (timestamp ≥ the device's revokedAt, accepted before the API
     * saw the revocation) or `UNKNOWN_DEVICE` (its certification left the chain). Null: the reading counts.
     */
    excludedReason: text('excluded_reason', { enum: ['DEVICE_REVOKED', 'UNKNOWN_DEVICE'] }),
  },
  (table) => [
    // (device_id, counter) is the idempotency key; the same b-tree answers "highest counter of a
    // device", a device's history newest first, and its last reading before a window (baseline).
    primaryKey({ name: 'readings_pk', columns: [table.deviceId, table.counter] }),
    // The sealer reads one window at a time and looks for due windows without a sealed row;
    // ordered by device and counter so a window's readings come out ready for its document.
    index('readings_window_idx').on(table.windowStart, table.deviceId, table.counter),
  ],
);
