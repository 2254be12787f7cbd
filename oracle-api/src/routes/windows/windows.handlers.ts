import type { RouteHandler } from '@hono/zod-openapi';
import { decodeWindowDocument, readingProofOf, ProtocolError } from '@gridproof/protocol';
import { and, asc, count, countDistinct, desc, eq, inArray, isNull, lt, notExists, sql } from 'drizzle-orm';
import { CID } from 'multiformats/cid';
import type { AppEnv, ServiceContext } from '../../context.js';
import { frozenDevices, readings, windows, type FrozenDeviceRow, type WindowRow } from '../../db/schema/index.js';
import { readVerifiedBlock } from '../../lib/blocks.js';
import { ApiError } from '../../lib/errors.js';
import type { FrozenDevice, WindowSummary } from '../../openapi/schemas.js';
import { DAG_JSON_TYPE } from '../paths.js';
import type { getWindowRoute, listWindowsRoute, windowDocumentRoute, windowProofRoute } from './windows.routes.js';

function frozenDeviceOf(row: FrozenDeviceRow): FrozenDevice {
  return {
    deviceId: row.deviceId,
    reason: row.reason,
    challenger: row.challenger,
    evidence: row.evidence,
    frozenAt: row.frozenAt,
    txHash: row.txHash,
    correction:
      row.correctedLeaf === null
        ? null
        : { summaryLeaf: row.correctedLeaf, cidDigest: row.correctedCidDigest!, correctedAt: row.correctedAt!, txHash: row.correctionTxHash! },
  };
}

/** The device freezes of these windows, by window start, in chain order. */
async function frozenDevicesOf(ctx: ServiceContext, windowStarts: number[]): Promise<Map<number, FrozenDevice[]>> {
  const byWindow = new Map<number, FrozenDevice[]>();
  if (windowStarts.length === 0) return byWindow;
  const rows = await ctx.db
    .select()
    .from(frozenDevices)
    .where(inArray(frozenDevices.windowStart, windowStarts))
    .orderBy(asc(frozenDevices.frozenAt), asc(frozenDevices.seq), asc(frozenDevices.deviceId));
  for (const r of rows) {
    const list = byWindow.get(r.windowStart) ?? [];
    list.push(frozenDeviceOf(r));
    byWindow.set(r.windowStart, list);
  }
  return byWindow;
}

/**
 * A sealed row as the API shows it: `frozen` once a fraud proof froze its totals on chain, else `anchored` once the
 * watched DataLogger recorded it, else `committed` once the DON committed its digest, else `sealed`. Device freezes
 * leave the status alone (the other devices stay provable) and are listed in `frozenDevices`.
 */
function sealedSummary(row: WindowRow, frozen: FrozenDevice[]): WindowSummary {
  return {
    windowStart: row.windowStart,
    windowSeconds: row.windowSeconds,
    status: row.frozenAt !== null ? 'frozen' : row.anchoredAt !== null ? 'anchored' : row.committedAt !== null ? 'committed' : 'sealed',
    cid: row.cid,
    root: row.root,
    cidDigest: row.cidDigest,
    deviceCount: row.deviceCount,
    readingCount: row.readingCount,
    // A decimal string: a JSON number above 2^53−1 loses digits in every JavaScript client.
    energyWh: row.energyWh.toString(),
    energyByRole:
      row.energyProductionWh === null || row.energyConsumptionWh === null || row.energyGridStatusWh === null
        ? null
        : { production: row.energyProductionWh.toString(), consumption: row.energyConsumptionWh.toString(), gridStatus: row.energyGridStatusWh.toString() },
    deviceCountByRole:
      row.productionDevices === null || row.consumptionDevices === null || row.gridStatusDevices === null
        ? null
        : { production: row.productionDevices, consumption: row.consumptionDevices, gridStatus: row.gridStatusDevices },
    excludedReadingCount: row.excludedReadingCount,
    sealedAt: row.sealedAt,
    committedAt: row.committedAt,
    anchoredAt: row.anchoredAt,
    frozenReason: row.frozenReason,
    frozenDevices: frozen,
  };
}

async function sealedSummaries(ctx: ServiceContext, rows: WindowRow[]): Promise<WindowSummary[]> {
  const frozen = await frozenDevicesOf(
    ctx,
    rows.map((r) => r.windowStart),
  );
  return rows.map((r) => sealedSummary(r, frozen.get(r.windowStart) ?? []));
}

function openSummary(ctx: ServiceContext, w: { windowStart: number; deviceCount: number; readingCount: number }): WindowSummary {
  return {
    windowStart: w.windowStart,
    windowSeconds: ctx.rules.windowSeconds,
    status: 'open',
    cid: null,
    root: null,
    cidDigest: null,
    deviceCount: w.deviceCount,
    readingCount: w.readingCount,
    energyWh: null,
    energyByRole: null,
    deviceCountByRole: null,
    excludedReadingCount: null,
    sealedAt: null,
    committedAt: null,
    anchoredAt: null,
    frozenReason: null,
    frozenDevices: [],
  };
}

/** Windows with readings and no sealed row, newest first. */
async function openWindows(ctx: ServiceContext, limit: number, before?: number) {
  return ctx.db
    .select({ windowStart: readings.windowStart, deviceCount: countDistinct(readings.deviceId), readingCount: count() })
    .from(readings)
    .where(
      and(
        before === undefined ? undefined : lt(readings.windowStart, before),
        // A window none of whose readings counted is never sealed; it is not open either.
        isNull(readings.excludedReason),
        notExists(ctx.db.select({ one: sql`1` }).from(windows).where(eq(windows.windowStart, readings.windowStart))),
      ),
    )
    .groupBy(readings.windowStart)
    .orderBy(desc(readings.windowStart))
    .limit(limit);
}

/** GET /v1/windows?limit=&before=&status=sealed|open|all — newest first. */
export const list: RouteHandler<typeof listWindowsRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const q = c.req.valid('query');
  const sealed =
    q.status === 'open'
      ? []
      : await sealedSummaries(
          ctx,
          await ctx.db
            .select()
            .from(windows)
            .where(and(q.before === undefined ? undefined : lt(windows.windowStart, q.before), q.status === 'pending' ? isNull(windows.anchoredAt) : undefined))
            .orderBy(desc(windows.windowStart))
            .limit(q.limit),
        );
  const open = q.status === 'sealed' || q.status === 'pending' ? [] : (await openWindows(ctx, q.limit, q.before)).map((w) => openSummary(ctx, w));
  const all = [...open, ...sealed].sort((a, b) => b.windowStart - a.windowStart).slice(0, q.limit);
  // pending without a watched DataLogger means "sealed, anchoring unknown": say so.
  return c.json({ windows: all, anchoring: ctx.anchoring }, 200);
};

/** The sealed row of a window; 404 WINDOW_NOT_FOUND, or 409 WINDOW_NOT_SEALED while it collects readings. */
async function sealedWindow(ctx: ServiceContext, windowStart: number): Promise<WindowRow> {
  if (windowStart % ctx.rules.windowSeconds !== 0) {
    throw new ApiError(400, 'INVALID_WINDOW_START', `Window start ${windowStart} is not aligned to ${ctx.rules.windowSeconds} s.`, {
      windowStart,
      windowSeconds: ctx.rules.windowSeconds,
    });
  }
  const [row] = await ctx.db.select().from(windows).where(eq(windows.windowStart, windowStart));
  if (row) return row;
  const [pending] = await ctx.db
    .select({ readingCount: count() })
    .from(readings)
    .where(and(eq(readings.windowStart, windowStart), isNull(readings.excludedReason)));
  if (pending.readingCount > 0) {
    const sealsAt = windowStart + ctx.rules.windowSeconds + ctx.rules.sealGraceSeconds;
    throw new ApiError(409, 'WINDOW_NOT_SEALED', `Window ${windowStart} is still open; it seals at ${sealsAt}.`, {
      windowStart,
      readingCount: pending.readingCount,
      sealsAt,
    });
  }
  throw new ApiError(404, 'WINDOW_NOT_FOUND', `No window with readings starts at ${windowStart}.`, { windowStart });
}

async function documentBytes(ctx: ServiceContext, row: WindowRow): Promise<Uint8Array> {
  const bytes = await readVerifiedBlock(ctx.blocks, CID.parse(row.cid));
  if (!bytes) throw new Error(`Block ${row.cid} of sealed window ${row.windowStart} is missing from the blockstore.`);
  return bytes;
}

/** GET /v1/windows/:windowStart */
export const get: RouteHandler<typeof getWindowRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const row = await sealedWindow(ctx, c.req.valid('param').windowStart);
  const [summary] = await sealedSummaries(ctx, [row]);
  return c.json(summary, 200);
};

/** GET /v1/windows/:windowStart/document — the canonical DAG-JSON bytes, as pinned. */
export const document: RouteHandler<typeof windowDocumentRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const row = await sealedWindow(ctx, c.req.valid('param').windowStart);
  const bytes = await documentBytes(ctx, row);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': DAG_JSON_TYPE,
    'x-ipfs-cid': row.cid,
    etag: `"${row.cid}"`,
    // Sealed documents never change.
    'cache-control': 'public, max-age=31536000, immutable',
  });
};

/** GET /v1/windows/:windowStart/proof?deviceId=&counter= — the two-level inclusion proof of one reading. */
export const proof: RouteHandler<typeof windowProofRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const row = await sealedWindow(ctx, c.req.valid('param').windowStart);
  const q = c.req.valid('query');
  const doc = decodeWindowDocument(await documentBytes(ctx, row));
  try {
    return c.json({ windowStart: row.windowStart, cid: row.cid, ...readingProofOf(doc, q.deviceId, q.counter) }, 200);
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ApiError(404, 'READING_NOT_IN_WINDOW', err.shortMessage, { windowStart: row.windowStart, deviceId: q.deviceId, counter: q.counter });
    }
    throw err;
  }
};
