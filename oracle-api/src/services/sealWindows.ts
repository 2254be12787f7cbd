import {
  batchKindOf,
  type batchKinds,
  encodeWindowDocument,
  windowDocumentCid,
  windowDocumentDigest,
  type BatchBuildInput,
  type BatchKind,
} from '@gridproof/protocol';
import { and, asc, desc, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import type { ServiceContext } from '../context.js';
import { periodicTask } from './periodic.js';
import { readings, windows, type WindowRow } from '../db/schema/index.js';

/** The transaction a window is sealed in. */
type SealTransaction = Parameters<Parameters<ServiceContext['db']['transaction']>[0]>[0];

/** The inputs protocol's builder of kind `K` takes (`batchKinds[K].build`). */
export type BatchInput<K extends BatchKind> = Parameters<(typeof batchKinds)[K]['build']>[0] extends BatchBuildInput<infer I> ? I : never;

/**
 * Where the sealer reads one kind's inputs for a due window; the document itself comes from
 * protocol's builder of that kind (`batchKinds`), so a new kind registers a source here and a
 * builder there, and the sealing (lock, transaction, blockstore, row) is shared.
 */
export interface BatchSource<K extends BatchKind> {
  /** The oldest window start with inputs of this kind whose end + grace is past `now` and that is not sealed yet. */
  dueWindow(tx: SealTransaction, now: number, windowSeconds: number, graceSeconds: number): Promise<number | undefined>;
  /** The kind's inputs for the window, read in the sealing transaction (frozen: ingest refuses late inputs). */
  collect(tx: SealTransaction, windowStart: number): Promise<BatchInput<K>>;
}

/** Readings: each device's readings of the window and its baseline, its last accepted reading before the window (energy is continuous across windows). */
export const readingsSource: BatchSource<'readings'> = {
  async dueWindow(tx, now, windowSeconds, graceSeconds) {
    const [due] = await tx
      .select({ windowStart: readings.windowStart })
      .from(readings)
      .where(
        and(
          sql`${readings.windowStart} + ${windowSeconds + graceSeconds} <= ${now}`,
          notExists(tx.select({ one: sql`1` }).from(windows).where(eq(windows.windowStart, readings.windowStart))),
        ),
      )
      .orderBy(asc(readings.windowStart))
      .limit(1);
    return due?.windowStart;
  },
  async collect(tx, windowStart) {
    const rows = await tx
      .select({ deviceId: readings.deviceId, signed: readings.signed })
      .from(readings)
      .where(eq(readings.windowStart, windowStart))
      .orderBy(readings.deviceId, readings.counter);
    const byDevice = new Map<string, Uint8Array[]>();
    for (const r of rows) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r.signed]);
    const baselines = new Map(
      (
        await tx
          .selectDistinctOn([readings.deviceId], { deviceId: readings.deviceId, signed: readings.signed })
          .from(readings)
          .where(and(inArray(readings.deviceId, [...byDevice.keys()]), lt(readings.windowStart, windowStart)))
          .orderBy(readings.deviceId, desc(readings.counter))
      ).map((b) => [b.deviceId, b.signed]),
    );
    return [...byDevice].map(([deviceId, signed]) => ({ deviceId, readings: signed, baseline: baselines.get(deviceId) ?? null }));
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

  async function sealNext(): Promise<WindowRow | undefined> {
    return ctx.lock.run(() =>
      ctx.db.transaction(async (tx) => {
        const now = ctx.clock.now();
        const { windowSeconds, sealGraceSeconds } = ctx.rules;
        const windowStart = await source.dueWindow(tx, now, windowSeconds, sealGraceSeconds);
        if (windowStart === undefined) return undefined;
        const doc = builder.build({ windowStart, windowSeconds, input: await source.collect(tx, windowStart) });
        const bytes = encodeWindowDocument(doc);
        const cid = windowDocumentCid(bytes);
        // Block first, row second: a row never points at a missing block.
        await ctx.blocks.put(cid, bytes);
        const row: WindowRow = {
          windowStart,
          windowSeconds,
          cid: cid.toString(),
          cidDigest: windowDocumentDigest(bytes),
          root: doc.root,
          deviceCount: doc.deviceCount,
          readingCount: doc.readingCount,
          energyWh: doc.energyWh,
          sealedAt: now,
          committedAt: null,
          anchoredAt: null,
          frozenAt: null,
          frozenReason: null,
        };
        await tx.insert(windows).values(row);
        ctx.logger.info('window sealed', { windowStart, cid: row.cid, deviceCount: row.deviceCount, readingCount: row.readingCount });
        return row;
      }),
    );
  }

  async function sealDueWindows(): Promise<WindowRow[]> {
    const sealed: WindowRow[] = [];
    // One window per lock hold, so ingest is not stalled behind a long backlog.
    for (let row = await sealNext(); row; row = await sealNext()) sealed.push(row);
    return sealed;
  }

  const task = periodicTask(sealDueWindows, (err) => ctx.logger.error('sealing failed', { error: String(err), stack: (err as Error)?.stack }));
  return {
    sealDueWindows,
    start: (intervalMs = 1000) => task.start(intervalMs),
    stop: () => task.stop(),
  };
}
