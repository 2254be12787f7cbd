import { DEVICE_ID_PATTERN } from '@gridproof/protocol';
import { z } from 'zod';

export const devicesPaths = {
  list: '/v1/devices',
  get: '/v1/devices/:deviceId',
  readings: '/v1/devices/:deviceId/readings',
  latest: '/v1/devices/:deviceId/latest',
  chart: '/v1/devices/:deviceId/chart',
  liveness: '/v1/devices/:deviceId/liveness',
} as const;

export const deviceParamSchema = z.object({ deviceId: z.string().regex(DEVICE_ID_PATTERN, 'device id must be XXXX_ZZZZ') });

const counter = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const listDevicesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** true: only devices that are not revoked. */
  active: z.enum(['true', 'false']).optional(),
});

export const deviceReadingsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Only readings with a counter strictly below this: pass the previous page's `nextCursor` (paging newest → oldest). */
  cursor: counter.optional(),
  /** Same as `cursor` (older name). */
  before: counter.optional(),
});

/** Each range is the calendar period (in `tz`) that contains `end`, cut into buckets. */
export const CHART_RANGES = {
  hour: { period: 'hour', bucket: 'minute' },
  day: { period: 'day', bucket: 'hour' },
  week: { period: 'week', bucket: 'day' },
  month: { period: 'month', bucket: 'day' },
  year: { period: 'year', bucket: 'month' },
} as const;

export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const chartQuerySchema = z.object({
  range: z.enum(['hour', 'day', 'week', 'month', 'year']).default('day'),
  /** IANA time zone the calendar periods and buckets follow, e.g. Europe/Berlin. */
  tz: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
  /** Unix seconds inside the period to show; default now. */
  end: z.coerce.number().int().min(0).max(253_402_300_799).optional(),
});

export const livenessQuerySchema = z.object({
  /** Online while the last reading is at most this many reporting intervals old. */
  intervals: z.coerce.number().int().min(1).max(100).default(3),
  /** Reporting interval to assume while the device has fewer than two readings. */
  expectedIntervalSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
});
