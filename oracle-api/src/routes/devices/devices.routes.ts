import { createRoute, z } from '@hono/zod-openapi';
import {
  chartSchema,
  deviceIdSchema,
  deviceListSchema,
  deviceSchema,
  errorResponse,
  jsonResponse,
  livenessSchema,
  readingSchema,
  readingsPageSchema,
} from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';

/** `:deviceId`. */
export const deviceParamSchema = z.object({ deviceId: deviceIdSchema.openapi({ param: { name: 'deviceId', in: 'path' } }) });

const counter = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `GET /v1/devices` query. */
export const listDevicesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  active: z.enum(['true', 'false']).optional().openapi({ description: 'true: only devices that are not revoked; false: only revoked ones' }),
});

/** `GET /v1/devices/{deviceId}/readings` query. */
export const deviceReadingsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: counter.optional().openapi({ description: "Only readings with a counter strictly below this: the previous page's `nextCursor` (newest → oldest)" }),
  before: counter.optional().openapi({ description: 'Same as `cursor` (older name)' }),
});

/** Each range is the calendar period (in `tz`) that contains `end`, cut into buckets. */
export const CHART_RANGES = {
  hour: { period: 'hour', bucket: 'minute' },
  day: { period: 'day', bucket: 'hour' },
  week: { period: 'week', bucket: 'day' },
  month: { period: 'month', bucket: 'day' },
  year: { period: 'year', bucket: 'month' },
} as const;

/** Whether `tz` is an IANA time zone this runtime knows (and a safe SQL parameter shape). */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `GET /v1/devices/{deviceId}/chart` query. */
export const chartQuerySchema = z.object({
  range: z.enum(['hour', 'day', 'week', 'month', 'year']).default('day'),
  tz: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin')
    .default('UTC')
    .openapi({ description: 'IANA time zone the calendar periods and buckets follow', example: 'Europe/Berlin' }),
  end: z.coerce.number().int().min(0).max(253_402_300_799).optional().openapi({ description: 'Unix seconds inside the period to show; default now' }),
});

/** `GET /v1/devices/{deviceId}/liveness` query. */
export const livenessQuerySchema = z.object({
  intervals: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .openapi({ description: 'Online while the last reading is at most this many reporting intervals old' }),
  expectedIntervalSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .openapi({ description: 'Interval to assume while the device has fewer than two readings' }),
});

const badDevice = errorResponse(['INVALID_DEVICE_ID'], 'Not a device id (XXXX_ZZZZ)');
const badDeviceOrQuery = errorResponse(['INVALID_DEVICE_ID', 'INVALID_QUERY'], 'Bad device id or query');
const registryDown = errorResponse(['DEVICE_DIRECTORY_UNAVAILABLE'], 'The device registry cannot be read; retry');

/** GET /v1/devices */
export const listDevicesRoute = createRoute({
  method: 'get',
  path: apiPaths.devices,
  tags: ['devices'],
  summary: 'Certified devices, revoked ones included (the registry events, read at most ~1 s before)',
  request: { query: listDevicesQuerySchema },
  responses: {
    200: jsonResponse('A page of devices', deviceListSchema),
    400: errorResponse(['INVALID_QUERY'], 'Bad limit, offset or active'),
    503: registryDown,
  },
});

/** GET /v1/devices/{deviceId} */
export const getDeviceRoute = createRoute({
  method: 'get',
  path: apiPaths.device,
  tags: ['devices'],
  summary: 'One certified device',
  request: { params: deviceParamSchema },
  responses: { 200: jsonResponse('The device', deviceSchema), 400: badDevice, 404: errorResponse(['DEVICE_NOT_FOUND'], 'Not certified'), 503: registryDown },
});

/** GET /v1/devices/{deviceId}/readings */
export const deviceReadingsRoute = createRoute({
  method: 'get',
  path: apiPaths.deviceReadings,
  tags: ['devices'],
  summary: "A device's readings, newest first, paged by cursor",
  request: { params: deviceParamSchema, query: deviceReadingsQuerySchema },
  responses: { 200: jsonResponse('A page of readings', readingsPageSchema), 400: badDeviceOrQuery },
});

/** GET /v1/devices/{deviceId}/latest */
export const latestReadingRoute = createRoute({
  method: 'get',
  path: apiPaths.deviceLatest,
  tags: ['devices'],
  summary: 'The newest accepted reading',
  request: { params: deviceParamSchema },
  responses: { 200: jsonResponse('The reading', readingSchema), 400: badDevice, 404: errorResponse(['NO_READINGS'], 'No reading of this device yet') },
});

/** GET /v1/devices/{deviceId}/chart */
export const chartRoute = createRoute({
  method: 'get',
  path: apiPaths.deviceChart,
  tags: ['devices'],
  summary: 'Calendar period in a time zone, in buckets with average power and energy',
  request: { params: deviceParamSchema, query: chartQuerySchema },
  responses: { 200: jsonResponse('Buckets of the period', chartSchema), 400: badDeviceOrQuery },
});

/** GET /v1/devices/{deviceId}/liveness */
export const livenessRoute = createRoute({
  method: 'get',
  path: apiPaths.deviceLiveness,
  tags: ['devices'],
  summary: 'Last seen, and online while the newest reading is at most N intervals old',
  request: { params: deviceParamSchema, query: livenessQuerySchema },
  responses: { 200: jsonResponse('Liveness', livenessSchema), 400: badDeviceOrQuery },
});
