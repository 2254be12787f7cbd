import { toHex } from '@gridproof/protocol';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.js';
import { readings } from '../../db/schema/index.js';
import { parseParams } from '../../lib/query.js';
import { deviceParamSchema, deviceReadingsQuerySchema } from './devices.routes.js';

/** GET /v1/devices/:deviceId/readings?limit=&before= — a device's accepted readings, newest first. */
export async function listReadings(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  const { deviceId } = parseParams(deviceParamSchema, c.req.param(), 'INVALID_DEVICE_ID');
  const q = parseParams(deviceReadingsQuerySchema, c.req.query());
  const rows = await ctx.db
    .select()
    .from(readings)
    .where(and(eq(readings.deviceId, deviceId), q.before === undefined ? undefined : lt(readings.counter, q.before)))
    .orderBy(desc(readings.counter))
    .limit(q.limit);
  return c.json({
    readings: rows.map((r) => ({
      deviceId: r.deviceId,
      counter: r.counter,
      timestamp: r.timestamp,
      powerW: r.powerW,
      energyWh: r.energyWh,
      voltageMv: r.voltageMv,
      status: r.status === 1 ? 'ON' : 'OFF',
      windowStart: r.windowStart,
      signed: toHex(r.signed),
    })),
  });
}
