import type { RouteHandler } from '@hono/zod-openapi';
import { desc } from 'drizzle-orm';
import type { AppEnv, ComponentState } from '../../context.js';
import { windows } from '../../db/schema/index.js';
import { readBlock } from '../../lib/blocks.js';
import { CID } from 'multiformats/cid';
import type { Health } from '../../openapi/schemas.js';
import type { healthRoute } from './health.routes.js';

/**
 * GET /health — the state of each part (db, broker, chain, ipfs) and the rules in force.
 * 200 with status "ok" while the database answers (ingest works); "degraded" when another part
 * is down; 503 "down" when the database does not answer.
 */
export const health: RouteHandler<typeof healthRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const db = await ctx.status.database();
  let last: { windowStart: number; cid: string } | undefined;
  if (db.status === 'ok')
    [last] = await ctx.db.select({ windowStart: windows.windowStart, cid: windows.cid }).from(windows).orderBy(desc(windows.windowStart)).limit(1);
  const checks: Health['checks'] = {
    db,
    broker: ctx.status.broker?.() ?? { status: 'disabled' },
    chain: (await ctx.status.chain?.()) ?? { status: 'disabled' },
    ipfs: await ipfsState(ctx, last?.cid),
  };
  const status = db.status !== 'ok' ? 'down' : Object.values(checks).some((s) => s.status === 'down') ? 'degraded' : 'ok';
  const body: Health = {
    status,
    checks,
    now: ctx.clock.now(),
    windowSeconds: ctx.rules.windowSeconds,
    sealGraceSeconds: ctx.rules.sealGraceSeconds,
    maxClockSkewSeconds: ctx.rules.maxClockSkewSeconds,
    maxBatch: ctx.rules.maxBatch,
    lastSealedWindowStart: last?.windowStart ?? null,
  };
  return status === 'down' ? c.json(body, 503) : c.json(body, 200);
};

/** The blockstore answers, and holds the newest sealed document. */
async function ipfsState(ctx: AppEnv['Variables']['ctx'], cid: string | undefined): Promise<ComponentState> {
  try {
    if (!cid) return { status: 'ok', blocks: 'local', lastDocument: null };
    const bytes = await readBlock(ctx.blocks, CID.parse(cid));
    return bytes
      ? { status: 'ok', blocks: 'local', lastDocument: cid }
      : { status: 'down', blocks: 'local', error: `newest sealed document ${cid} is missing` };
  } catch (err) {
    return { status: 'down', blocks: 'local', error: (err as Error).message };
  }
}
