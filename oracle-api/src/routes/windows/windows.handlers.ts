import { decodeWindowDocument, readingProofOf, ProtocolError } from '@gridproof/protocol';
import { and, count, countDistinct, desc, eq, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { CID } from 'multiformats/cid';
import type { AppEnv, ServiceContext } from '../../context.js';
import { readings, windows, type WindowRow } from '../../db/schema/index.js';
import { readVerifiedBlock } from '../../lib/blocks.js';
import { ApiError } from '../../lib/errors.js';
import { parseParams } from '../../lib/query.js';
import { listWindowsQuerySchema, proofQuerySchema, windowStartParamSchema, type WindowSummary } from './windows.routes.js';

function sealedSummary(ctx: ServiceContext, row: WindowRow): WindowSummary {
  return { ...row, status: 'sealed', anchored: ctx.anchoring === 'watched' ? row.anchoredAt !== null : null };
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
    anchored: null,
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
export async function list(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  const q = parseParams(listWindowsQuerySchema, c.req.query());
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
        ).map((row) => sealedSummary(ctx, row));
  const open = q.status === 'sealed' || q.status === 'pending' ? [] : (await openWindows(ctx, q.limit, q.before)).map((w) => openSummary(ctx, w));
  const all = [...open, ...sealed].sort((a, b) => b.windowStart - a.windowStart).slice(0, q.limit);
  // pending without a watched DataLogger means "sealed, anchoring unknown": say so.
  return c.json({ windows: all, anchoring: ctx.anchoring });
}

/** The sealed row of a window; 404 WINDOW_NOT_FOUND, or 409 WINDOW_NOT_SEALED while it collects readings. */
async function sealedWindow(ctx: ServiceContext, raw: Record<string, string>): Promise<WindowRow> {
  const { windowStart } = parseParams(windowStartParamSchema, raw, 'INVALID_WINDOW_START');
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
export async function get(c: Context<AppEnv>) {
  const row = await sealedWindow(c.get('ctx'), c.req.param());
  return c.json(sealedSummary(c.get('ctx'), row));
}

/** GET /v1/windows/:windowStart/document — the canonical DAG-JSON bytes, as pinned. */
export async function document(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  const row = await sealedWindow(ctx, c.req.param());
  const bytes = await documentBytes(ctx, row);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/vnd.ipld.dag-json',
    'x-ipfs-cid': row.cid,
    etag: `"${row.cid}"`,
    // Sealed documents never change.
    'cache-control': 'public, max-age=31536000, immutable',
  });
}

/** GET /v1/windows/:windowStart/proof?deviceId=&counter= — the two-level inclusion proof of one reading. */
export async function proof(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  const row = await sealedWindow(ctx, c.req.param());
  const q = parseParams(proofQuerySchema, c.req.query());
  const doc = decodeWindowDocument(await documentBytes(ctx, row));
  try {
    return c.json({ windowStart: row.windowStart, cid: row.cid, ...readingProofOf(doc, q.deviceId, q.counter) });
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ApiError(404, 'READING_NOT_IN_WINDOW', err.shortMessage, { windowStart: row.windowStart, deviceId: q.deviceId, counter: q.counter });
    }
    throw err;
  }
}
