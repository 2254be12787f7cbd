import type { RouteHandler } from '@hono/zod-openapi';
import { DEVICE_ROLE_NAMES, REVOCATION_REASON_NAMES, toHex, type RevocationReason } from '@gridproof/protocol';
import { and, desc, eq, inArray, lt, max, sql } from 'drizzle-orm';
import type { AppEnv, ServiceContext } from '../../context.js';
import { readings } from '../../db/schema/index.js';
import { roleOf, type DeviceListing } from '../../devices/deviceDirectory.js';
import { ApiError } from '../../lib/errors.js';
import { readingOut } from '../../lib/readingOut.js';
import type { ApiDevice } from '../../openapi/schemas.js';
import {
  CHART_RANGES,
  type chartRoute,
  type deviceReadingsRoute,
  type getDeviceRoute,
  type latestReadingRoute,
  type listDevicesRoute,
  type livenessRoute,
} from './devices.routes.js';

const KEY_TYPE_NAME: Record<number, ApiDevice['keyType']> = { 1: 'P256', 2: 'ED25519' };

function deviceOut(d: DeviceListing, lastSeen: number | null): ApiDevice {
  const keyType = KEY_TYPE_NAME[d.keyType];
  if (!keyType) throw new Error(`Device ${d.deviceId} has key type ${d.keyType}, which this API cannot show.`);
  const role = roleOf(d);
  const reason = d.revocationReason ? REVOCATION_REASON_NAMES[d.revocationReason as RevocationReason] : undefined;
  return {
    deviceId: d.deviceId,
    keyType,
    publicKey: toHex(d.publicKey),
    role: { code: role, name: DEVICE_ROLE_NAMES[role] as ApiDevice['role']['name'] },
    ratedCapacityW: d.ratedCapacityW,
    certifier: d.certifier,
    organisationId: d.organisationId,
    certifiedAt: d.certifiedAt,
    revokedAt: d.revokedAt ?? null,
    revocationReason: (reason as ApiDevice['revocationReason']) ?? null,
    active: d.active,
    lastSeen,
  };
}

async function registry(ctx: ServiceContext): Promise<DeviceListing[]> {
  if (!ctx.devices.list) throw new ApiError(501, 'DEVICE_LISTING_UNSUPPORTED', 'This device source cannot list devices.');
  try {
    return await ctx.devices.list();
  } catch (err) {
    ctx.logger.error('device listing failed', { error: String(err) });
    throw new ApiError(503, 'DEVICE_DIRECTORY_UNAVAILABLE', 'The device registry cannot be read right now; retry later.', undefined, err);
  }
}

/** Newest reading timestamp per device. */
async function lastSeenOf(ctx: ServiceContext, deviceIds: string[]): Promise<Map<string, number>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await ctx.db
    .select({ deviceId: readings.deviceId, lastSeen: max(readings.timestamp) })
    .from(readings)
    .where(inArray(readings.deviceId, deviceIds))
    .groupBy(readings.deviceId);
  return new Map(rows.map((r) => [r.deviceId, Number(r.lastSeen)]));
}

/** GET /v1/devices?limit=&offset=&active= — the chain registry's devices (mirror, cached), with when each was last heard from. */
export const list: RouteHandler<typeof listDevicesRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const q = c.req.valid('query');
  const all = (await registry(ctx)).filter((d) => q.active === undefined || d.active === (q.active === 'true'));
  const page = all.slice(q.offset, q.offset + q.limit);
  const seen = await lastSeenOf(
    ctx,
    page.map((d) => d.deviceId),
  );
  return c.json({ devices: page.map((d) => deviceOut(d, seen.get(d.deviceId) ?? null)), total: all.length }, 200);
};

/** GET /v1/devices/:deviceId */
export const get: RouteHandler<typeof getDeviceRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { deviceId } = c.req.valid('param');
  const device = (await registry(ctx)).find((d) => d.deviceId === deviceId);
  if (!device) throw new ApiError(404, 'DEVICE_NOT_FOUND', `Device ${deviceId} is not certified.`, { deviceId });
  const seen = await lastSeenOf(ctx, [deviceId]);
  return c.json(deviceOut(device, seen.get(deviceId) ?? null), 200);
};

/** GET /v1/devices/:deviceId/readings?limit=&cursor= — a device's accepted readings, newest first; `nextCursor` fetches the next page. */
export const listReadings: RouteHandler<typeof deviceReadingsRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { deviceId } = c.req.valid('param');
  const q = c.req.valid('query');
  const below = q.cursor ?? q.before;
  const rows = await ctx.db
    .select()
    .from(readings)
    .where(and(eq(readings.deviceId, deviceId), below === undefined ? undefined : lt(readings.counter, below)))
    .orderBy(desc(readings.counter))
    .limit(q.limit);
  return c.json({ readings: rows.map(readingOut), nextCursor: rows.length === q.limit ? rows[rows.length - 1].counter : null }, 200);
};

/** GET /v1/devices/:deviceId/latest — the newest accepted reading; 404 NO_READINGS before the first. */
export const latest: RouteHandler<typeof latestReadingRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { deviceId } = c.req.valid('param');
  const [row] = await ctx.db.select().from(readings).where(eq(readings.deviceId, deviceId)).orderBy(desc(readings.counter)).limit(1);
  if (!row) throw new ApiError(404, 'NO_READINGS', `No reading of ${deviceId} has been accepted.`, { deviceId });
  return c.json(readingOut(row), 200);
};

/**
 * GET /v1/devices/:deviceId/chart?range=hour|day|week|month|year&tz=&end= — the calendar period
 * in `tz` containing `end`, in buckets (minute, hour, day, day, month): readings, average and
 * peak power, and energy: the rise of the cumulative register over the bucket, counted from the
 * last reading before it, so bucket energies add up to the period's total.
 */
export const chart: RouteHandler<typeof chartRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { deviceId } = c.req.valid('param');
  const q = c.req.valid('query');
  const { period, bucket } = CHART_RANGES[q.range];
  const end = q.end ?? ctx.clock.now();
  const periodStep = `1 ${period}`;
  const bucketStep = `1 ${bucket}`;
  const local = sql`date_trunc(${period}, to_timestamp(${end}) at time zone ${q.tz})`;
  const series = await ctx.db.execute<{ start: string; end: string }>(
    sql`select extract(epoch from (g at time zone ${q.tz}))::bigint as start,
               extract(epoch from ((g + ${bucketStep}::interval) at time zone ${q.tz}))::bigint as "end"
        from generate_series(${local}, ${local} + ${periodStep}::interval - ${bucketStep}::interval, ${bucketStep}::interval) as g
        order by 1`,
  );
  const buckets = ((series as unknown as { rows?: unknown[] }).rows ?? (series as unknown as unknown[])) as { start: string | number; end: string | number }[];
  const bounds = buckets.map((b) => ({ start: Number(b.start), end: Number(b.end) }));
  const from = bounds[0].start;
  const to = bounds[bounds.length - 1].end;
  const aggregated = await ctx.db.execute(
    sql`select extract(epoch from (date_trunc(${bucket}, to_timestamp(${readings.timestamp}) at time zone ${q.tz}) at time zone ${q.tz}))::bigint as start,
               count(*) as readings, avg(${readings.powerW}) as avg_power, max(${readings.powerW}) as max_power,
               min(${readings.energyWh}) as energy_min, max(${readings.energyWh}) as energy_max
        from ${readings}
        where ${readings.deviceId} = ${deviceId} and ${readings.timestamp} >= ${from} and ${readings.timestamp} < ${to}
        group by 1`,
  );
  const rows = ((aggregated as unknown as { rows?: unknown[] }).rows ?? (aggregated as unknown as unknown[])) as Record<string, string | number>[];
  const byStart = new Map(rows.map((r) => [Number(r.start), r]));
  const [before] = await ctx.db
    .select({ energyWh: readings.energyWh })
    .from(readings)
    .where(and(eq(readings.deviceId, deviceId), lt(readings.timestamp, from)))
    .orderBy(desc(readings.counter))
    .limit(1);
  // The register is cumulative and never falls (ingest refuses that), so a bucket's last value is its max.
  let previous: number | null = before?.energyWh ?? null;
  let total = 0;
  const out = bounds.map((b) => {
    const r = byStart.get(b.start);
    if (!r) return { start: b.start, end: b.end, readings: 0, avgPowerW: null, maxPowerW: null, energyWh: 0 };
    const energyMax = Number(r.energy_max);
    const energyWh = energyMax - (previous ?? Number(r.energy_min));
    previous = energyMax;
    total += energyWh;
    return {
      start: b.start,
      end: b.end,
      readings: Number(r.readings),
      avgPowerW: Math.round(Number(r.avg_power) * 100) / 100,
      maxPowerW: Number(r.max_power),
      energyWh,
    };
  });
  return c.json({ deviceId, range: q.range, tz: q.tz, bucket, start: from, end: to, energyWh: total, buckets: out }, 200);
};

/** GET /v1/devices/:deviceId/liveness?intervals=&expectedIntervalSeconds= — last seen, and online while the newest reading is at most `intervals` reporting intervals old. */
export const liveness: RouteHandler<typeof livenessRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { deviceId } = c.req.valid('param');
  const q = c.req.valid('query');
  const recent = await ctx.db
    .select({ counter: readings.counter, timestamp: readings.timestamp, receivedAt: readings.receivedAt })
    .from(readings)
    .where(eq(readings.deviceId, deviceId))
    .orderBy(desc(readings.counter))
    .limit(11);
  const now = ctx.clock.now();
  if (recent.length === 0) {
    return c.json({ deviceId, online: false, lastSeen: null, lastReceivedAt: null, lastCounter: null, intervalSeconds: null, onlineUntil: null, now }, 200);
  }
  // Median gap of the last ten: one late or burst reading does not flip the answer.
  const gaps = recent
    .slice(1)
    .map((r, i) => recent[i].timestamp - r.timestamp)
    .sort((a, b) => a - b);
  const intervalSeconds = gaps.length > 0 ? Math.max(1, gaps[Math.floor(gaps.length / 2)]) : q.expectedIntervalSeconds;
  const onlineUntil = recent[0].timestamp + q.intervals * intervalSeconds;
  return c.json(
    {
      deviceId,
      online: now <= onlineUntil,
      lastSeen: recent[0].timestamp,
      lastReceivedAt: recent[0].receivedAt,
      lastCounter: recent[0].counter,
      intervalSeconds,
      onlineUntil,
      now,
    },
    200,
  );
};
