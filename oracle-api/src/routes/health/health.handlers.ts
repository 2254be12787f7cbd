import { desc } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.js';
import { windows } from '../../db/schema/index.js';

/** GET /health — the service is up and its database answers; also the clock and rules it runs with. */
export async function health(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  const [last] = await ctx.db.select({ windowStart: windows.windowStart }).from(windows).orderBy(desc(windows.windowStart)).limit(1);
  return c.json({
    status: 'ok',
    now: ctx.clock.now(),
    windowSeconds: ctx.rules.windowSeconds,
    sealGraceSeconds: ctx.rules.sealGraceSeconds,
    maxClockSkewSeconds: ctx.rules.maxClockSkewSeconds,
    maxBatch: ctx.rules.maxBatch,
    lastSealedWindowStart: last?.windowStart ?? null,
  });
}
