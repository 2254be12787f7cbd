import {
  batchKindOf,
  DeviceRole,
  type batchKinds,
  encodeWindowDocument,
  windowDocumentCid,
  windowDocumentDigest,
  type BatchBuildInput,
  type BatchKind,
} from '@gridproof/protocol';
import { and, asc, desc, eq, inArray, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { ServiceContext } from '../context.js';
import { isValidReadingOf, roleOf, type DeviceEntry } from '../devices/deviceDirectory.js';
import { periodicTask } from './periodic.js';
import { readings, windows, type WindowRow } from '../db/schema/index.js';

/** The transaction a window is sealed in. */
type SealTransaction = Parameters<Parameters<ServiceContext['db']['transaction']>[0]>[0];

/** The registry as the sealer read it after the window's end: what decides which readings count. */
export type SealingView = ReadonlyMap<string, DeviceEntry>;

/** Why a stored reading was left out of its window's document (`readings.excluded_reason`). */
export type ExclusionReason = 'DEVICE_REVOKED' | 'UNKNOWN_DEVICE';

/** A kind's inputs for one window, and how many stored inputs the registry view left out (marked, never deleted). */
export interface CollectedBatch<K extends BatchKind> {
  input: BatchInput<K>;
  excluded: number;
}

/** The inputs protocol's builder of kind `K` takes (`batchKinds[K].build`). */
export type BatchInput<K extends BatchKind> = Parameters<(typeof batchKinds)[K]['build']>[0] extends BatchBuildInput<infer I> ? I : never;

/**
 * Where the sealer reads one kind's inputs for a due window; the document itself comes from
 * protocol's builder of that kind (`batchKinds`), so a new kind registers a source here and a
 * builder there, and the sealing (lock, transaction, blockstore, row) is shared.
 */
export interface BatchSource<K extends BatchKind> {
  /** The oldest window start with counting inputs of this kind whose end + grace is past `now` and that is not sealed yet. */
  dueWindow(tx: SealTransaction | ServiceContext['db'], now: number, windowSeconds: number, graceSeconds: number): Promise<number | undefined>;
  /**
   * The kind's inputs for the window, read in the sealing transaction (frozen: ingest refuses late inputs); inputs
   * that do not count under `view` are marked excluded in the same transaction and left out.
   */
  collect(tx: SealTransaction, windowStart: number, view: SealingView): Promise<CollectedBatch<K>>;
}

/**
 * Readings: each device's counting readings of the window and its baseline, its last counting reading before the
 * window (energy is continuous across windows). A reading counts iff its device is in the view and the reading is
 * timestamped before the device's revocation (`isValidReadingOf`); the others are marked, so the document never holds
 * a reading the DON would refuse, and a revoked device never holds up another device's readings.
 */
export const readingsSource: BatchSource<'readings'> = {
  async dueWindow(tx, now, windowSeconds, graceSeconds) {
    const [due] = await tx
      .select({ windowStart: readings.windowStart })
      .from(readings)
      .where(
        and(
          sql`${readings.windowStart} + ${windowSeconds + graceSeconds} <= ${now}`,
          isNull(readings.excludedReason),
          notExists(tx.select({ one: sql`1` }).from(windows).where(eq(windows.windowStart, readings.windowStart))),
        ),
      )
      .orderBy(asc(readings.windowStart))
      .limit(1);
    return due?.windowStart;
  },
  async collect(tx, windowStart, view) {
    const rows = await tx
      .select({ deviceId: readings.deviceId, counter: readings.counter, timestamp: readings.timestamp, signed: readings.signed })
      .from(readings)
      .where(and(eq(readings.windowStart, windowStart), isNull(readings.excludedReason)))
      .orderBy(readings.deviceId, readings.counter);
    const byDevice = new Map<string, Uint8Array[]>();
    const excluded = new Map<ExclusionReason, { deviceId: string; counter: number }[]>();
    for (const r of rows) {
      const device = view.get(r.deviceId);
      const reason: ExclusionReason | null = !device ? 'UNKNOWN_DEVICE' : isValidReadingOf(device, r.timestamp) ? null : 'DEVICE_REVOKED';
      if (reason) excluded.set(reason, [...(excluded.get(reason) ?? []), r]);
      else byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r.signed]);
    }
    for (const [reason, keys] of excluded) {
      await tx
        .update(readings)
        .set({ excludedReason: reason })
        .where(
          sql`(${readings.deviceId}, ${readings.counter}) in (select d->>0, (d->>1)::bigint from json_array_elements(${JSON.stringify(keys.map((k) => [k.deviceId, k.counter]))}::json) as d)`,
        );
    }
    const baselines = new Map(
      byDevice.size === 0
        ? []
        : (
            await tx
              .selectDistinctOn([readings.deviceId], { deviceId: readings.deviceId, signed: readings.signed })
              .from(readings)
              .where(and(inArray(readings.deviceId, [...byDevice.keys()]), lt(readings.windowStart, windowStart), isNull(readings.excludedReason)))
              .orderBy(readings.deviceId, desc(readings.counter))
          ).map((b) => [b.deviceId, b.signed]),
    );
    return {
      input: [...byDevice].map(([deviceId, signed]) => ({ deviceId, readings: signed, baseline: baselines.get(deviceId) ?? null })),
      excluded: [...excluded.values()].reduce((n, keys) => n + keys.length, 0),
    };
  },
};

/** The input source per batch kind (the type asks for one for every kind protocol registers). */
export const batchSources: { readonly [K in BatchKind]: BatchSource<K> } = { readings: readingsSource };

export interface Sealer {
  /** Seals every window with readings whose `end + grace <= now`, oldest first; returns the new rows. */
  sealDueWindows(): Promise<WindowRow[]>;
  /** Starts the background loop (every `intervalMs`). */
  start(intervalMs?: number): void;
  /** Stops the loop and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * The window sealer. A window is sealed in one transaction under the ingest lock: read the kind's
 * inputs (`batchSources`; for readings: its readings and each device's baseline), build the
 * document with protocol's builder of the kind (`batchKinds`), put the canonical bytes in the
 * blockstore, insert the row. Ingest refuses readings for any window whose end + grace has
 * passed, so a due window's inputs are frozen: re-sealing after a crash between the put and the
 * commit gives the same bytes and CID.
 */
export function createSealer(ctx: ServiceContext, kind: BatchKind = 'readings'): Sealer {
  // An unknown kind is refused here, at start-up, with protocol's UNKNOWN_KIND error.
  const builder = batchKindOf(kind);
  const source = batchSources[builder.kind];

  /** Seals the oldest due window: its row, `'excluded'` when none of its readings counted (all marked), or undefined when none is due. */
  async function sealNext(): Promise<WindowRow | 'excluded' | undefined> {
    const { windowSeconds, sealGraceSeconds } = ctx.rules;
    // Cheap check first: the registry is synced (an RPC round trip, outside the lock) only when a window is due.
    if ((await source.dueWindow(ctx.db, ctx.clock.now(), windowSeconds, sealGraceSeconds)) === undefined) return undefined;
    // Read after the due window's end + grace: every revocation at or before its readings' timestamps is in it.
    const view = await ctx.devices.settled();
    return ctx.lock.run(() =>
      ctx.db.transaction(async (tx) => {
        const now = ctx.clock.now();
        const windowStart = await source.dueWindow(tx, now, windowSeconds, sealGraceSeconds);
        if (windowStart === undefined) return undefined;
        const collected = await source.collect(tx, windowStart, view);
        if (collected.input.length === 0) {
          // Nothing counts: no document (a window needs a device); the marks commit and the window is no longer due.
          ctx.logger.warn('window left unsealed: none of its readings counts', { windowStart, excluded: collected.excluded });
          return 'excluded' as const;
        }
        const doc = builder.build({ windowStart, windowSeconds, input: collected.input });
        const bytes = encodeWindowDocument(doc);
        const cid = windowDocumentCid(bytes);
        // Block first, row second: a row never points at a missing block.
        await ctx.blocks.put(cid, bytes);
        const byRole = {
          [DeviceRole.PRODUCTION]: { energyWh: 0n, devices: 0 },
          [DeviceRole.CONSUMPTION]: { energyWh: 0n, devices: 0 },
          [DeviceRole.GRID_STATUS]: { energyWh: 0n, devices: 0 },
        };
        for (const d of doc.devices) {
          const role = byRole[roleOf(view.get(d.deviceId)!)];
          role.energyWh += BigInt(d.energyWh);
          role.devices++;
        }
        const row: WindowRow = {
          windowStart,
          windowSeconds,
          cid: cid.toString(),
          cidDigest: windowDocumentDigest(bytes),
          root: doc.root,
          deviceCount: doc.deviceCount,
          readingCount: doc.readingCount,
          energyWh: doc.energyWh,
          energyProductionWh: byRole[DeviceRole.PRODUCTION].energyWh,
          energyConsumptionWh: byRole[DeviceRole.CONSUMPTION].energyWh,
          energyGridStatusWh: byRole[DeviceRole.GRID_STATUS].energyWh,
          productionDevices: byRole[DeviceRole.PRODUCTION].devices,
          consumptionDevices: byRole[DeviceRole.CONSUMPTION].devices,
          gridStatusDevices: byRole[DeviceRole.GRID_STATUS].devices,
          excludedReadingCount: collected.excluded,
          sealedAt: now,
          committedAt: null,
          anchoredAt: null,
          frozenAt: null,
          frozenReason: null,
        };
        await tx.insert(windows).values(row);
        ctx.logger.info('window sealed', {
          windowStart,
          cid: row.cid,
          deviceCount: row.deviceCount,
          readingCount: row.readingCount,
          excludedReadings: collected.excluded,
        });
        return row;
      }),
    );
  }

  async function sealDueWindows(): Promise<WindowRow[]> {
    const sealed: WindowRow[] = [];
    // One window per lock hold, so ingest is not stalled behind a long backlog.
    for (let row = await sealNext(); row; row = await sealNext()) if (row !== 'excluded') sealed.push(row);
    return sealed;
  }

  const task = periodicTask(sealDueWindows, (err) => ctx.logger.error('sealing failed', { error: String(err), stack: (err as Error)?.stack }));
  return {
    sealDueWindows,
    start: (intervalMs = 1000) => task.start(intervalMs),
    stop: () => task.stop(),
  };
}
