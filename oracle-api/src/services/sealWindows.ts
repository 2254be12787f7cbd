import { buildWindowDocument, encodeWindowDocument, windowDocumentCid, windowDocumentDigest } from '@gridproof/protocol';
import { and, asc, desc, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import type { ServiceContext } from '../context.js';
import { readings, windows, type WindowRow } from '../db/schema/index.js';

export interface Sealer {
  /** Seals every window with readings whose `end + grace <= now`, oldest first; returns the new rows. */
  sealDueWindows(): Promise<WindowRow[]>;
  /** Starts the background loop (every `intervalMs`). */
  start(intervalMs?: number): void;
  /** Stops the loop and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * The window sealer. A window is sealed in one transaction under the ingest lock: read its
 * readings and each device's baseline, build the document with protocol's
 * `buildWindowDocument`, put the canonical bytes in the blockstore, insert the row. Ingest
 * refuses readings for any window whose end + grace has passed, so a due window's inputs are
 * frozen: re-sealing after a crash between the put and the commit gives the same bytes and CID.
 */
export function createSealer(ctx: ServiceContext): Sealer {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;

  async function sealNext(): Promise<WindowRow | undefined> {
    return ctx.lock.run(() =>
      ctx.db.transaction(async (tx) => {
        const now = ctx.clock.now();
        const { windowSeconds, sealGraceSeconds } = ctx.rules;
        const [due] = await tx
          .select({ windowStart: readings.windowStart })
          .from(readings)
          .where(
            and(
              sql`${readings.windowStart} + ${windowSeconds + sealGraceSeconds} <= ${now}`,
              notExists(tx.select({ one: sql`1` }).from(windows).where(eq(windows.windowStart, readings.windowStart))),
            ),
          )
          .orderBy(asc(readings.windowStart))
          .limit(1);
        if (!due) return undefined;
        const windowStart = due.windowStart;
        const rows = await tx
          .select({ deviceId: readings.deviceId, signed: readings.signed })
          .from(readings)
          .where(eq(readings.windowStart, windowStart))
          .orderBy(readings.deviceId, readings.counter);
        const byDevice = new Map<string, Uint8Array[]>();
        for (const r of rows) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r.signed]);
        // Baseline: each device's last accepted reading before this window, so energy is continuous across windows.
        const baselines = new Map(
          (
            await tx
              .selectDistinctOn([readings.deviceId], { deviceId: readings.deviceId, signed: readings.signed })
              .from(readings)
              .where(and(inArray(readings.deviceId, [...byDevice.keys()]), lt(readings.windowStart, windowStart)))
              .orderBy(readings.deviceId, desc(readings.counter))
          ).map((b) => [b.deviceId, b.signed]),
        );
        const doc = buildWindowDocument({
          windowStart,
          windowSeconds,
          devices: [...byDevice].map(([deviceId, signed]) => ({ deviceId, readings: signed, baseline: baselines.get(deviceId) ?? null })),
        });
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
          anchoredAt: null,
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

  return {
    sealDueWindows,
    start(intervalMs = 1000) {
      if (timer) return;
      timer = setInterval(() => {
        // Skip a tick while the previous run is still going rather than queueing runs up.
        if (busy) return;
        busy = true;
        running = sealDueWindows()
          .catch((err) => ctx.logger.error('sealing failed', { error: String(err), stack: (err as Error)?.stack }))
          .finally(() => (busy = false));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
