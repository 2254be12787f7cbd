import type { RouteHandler } from '@hono/zod-openapi';
import { decodeWindowDocument, readingProofOf, ProtocolError } from '@gridproof/protocol';
import { and, count, countDistinct, desc, eq, isNull, lt, notExists, sql } from 'drizzle-orm';
import { CID } from 'multiformats/cid';
import type { AppEnv, ServiceContext } from '../../context.js';
import { readings, windows, type WindowRow } from '../../db/schema/index.js';
import { readVerifiedBlock } from '../../lib/blocks.js';
import { ApiError } from '../../lib/errors.js';
import type { WindowSummary } from '../../openapi/schemas.js';
import { DAG_JSON_TYPE } from '../paths.js';
import type { getWindowRoute, listWindowsRoute, windowDocumentRoute, windowProofRoute } from './windows.routes.js';

/** A sealed row as the API shows it: `frozen` once a fraud proof froze it on chain, else `anchored` once the watched DataLogger recorded it, else `sealed`. */
function sealedSummary(row: WindowRow): WindowSummary {
  return {
    windowStart: row.windowStart,
    windowSeconds: row.windowSeconds,
    status: row.frozenAt !== null ? 'frozen' : row.anchoredAt !== null ? 'anchored' : 'sealed',
    cid: row.cid,
    root: row.root,
    cidDigest: row.cidDigest,
    deviceCount: row.deviceCount,
    readingCount: row.readingCount,
    // A decimal string: a JSON number above 2^53−1 loses digits in every JavaScript client.
    energyWh: row.energyWh.toString(),
    sealedAt: row.sealedAt,
    anchoredAt: row.anchoredAt,
    frozenReason: row.frozenReason,
  };
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
    sealedAt: null,
    anchoredAt: null,
    frozenReason: null,
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
      : (
          await ctx.db
            .select()
            .from(windows)
            .where(and(q.before === undefined ? undefined : lt(windows.windowStart, q.before), q.status === 'pending' ? isNull(windows.anchoredAt) : undefined))
            .orderBy(desc(windows.windowStart))
            .limit(q.limit)
        ).map(sealedSummary);
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
  const [pending] = await ctx.db.select({ readingCount: count() }).from(readings).where(eq(readings.windowStart, windowStart));
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
  const row = await sealedWindow(c.get('ctx'), c.req.valid('param').windowStart);
  return c.json(sealedSummary(row), 200);
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
