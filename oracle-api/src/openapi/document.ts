import { z } from 'zod';
import { chartQuerySchema, deviceParamSchema, deviceReadingsQuerySchema, devicesPaths, listDevicesQuerySchema, livenessQuerySchema } from '../routes/devices/devices.routes.js';
import { healthPaths } from '../routes/health/health.routes.js';
import { ipfsPaths } from '../routes/ipfs/ipfs.routes.js';
import { readingsPaths } from '../routes/readings/readings.routes.js';
import { listWindowsQuerySchema, proofQuerySchema, windowStartParamSchema, windowsPaths } from '../routes/windows/windows.routes.js';

/** One operation, described by the same zod schemas the handlers parse with. */
interface Operation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** status → [description, schema or content type]. */
  responses: Record<number, [string, z.ZodType | string]>;
}

const errorBody = z
  .object({ error: z.object({ code: z.string().describe('Stable machine-readable code'), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) })
  .meta({ id: 'Error' });

const reading = z
  .object({
    deviceId: z.string(),
    counter: z.number().int(),
    timestamp: z.number().int(),
    powerW: z.number().int(),
    energyWh: z.number().int(),
    voltageMv: z.number().int(),
    status: z.enum(['ON', 'OFF']),
    windowStart: z.number().int(),
    signed: z.string().describe('0x 107 signed bytes (reading ‖ signature)'),
  })
  .meta({ id: 'Reading' });

const windowSummary = z
  .object({
    windowStart: z.number().int(),
    windowSeconds: z.number().int(),
    status: z.enum(['sealed', 'open']),
    cid: z.string().nullable(),
    root: z.string().nullable(),
    cidDigest: z.string().nullable(),
    deviceCount: z.number().int(),
    readingCount: z.number().int(),
    energyWh: z.number().int().nullable(),
    sealedAt: z.number().int().nullable(),
    anchoredAt: z.number().int().nullable(),
    anchored: z.boolean().nullable(),
  })
  .meta({ id: 'WindowSummary' });

const device = z
  .object({ deviceId: z.string(), keyType: z.enum(['P256', 'ED25519']), publicKey: z.string(), active: z.boolean(), registeredAt: z.number().int().nullable(), lastSeen: z.number().int().nullable() })
  .meta({ id: 'Device' });

const ingestBody = z.object({
  readings: z.array(z.string().regex(/^0x[0-9a-fA-F]{214}$/).describe('0x + 107 signed bytes')).min(1).max(500),
});

const bad = (codes: string): [string, z.ZodType] => [codes, errorBody];

/** Every HTTP operation the service serves. */
export const operations: Operation[] = [
  { method: 'get', path: healthPaths.health, tag: 'service', summary: 'State of db, broker, chain and ipfs', responses: { 200: ['ok or degraded', z.object({ status: z.enum(['ok', 'degraded', 'down']), checks: z.record(z.string(), z.object({ status: z.string() })) })], 503: ['database down', z.object({ status: z.literal('down') })] } },
  {
    method: 'post',
    path: readingsPaths.ingest,
    tag: 'readings',
    summary: 'Ingest a batch of signed readings (all or nothing)',
    body: ingestBody,
    responses: {
      200: ['stored (or duplicates)', z.object({ accepted: z.number().int(), duplicates: z.number().int(), readings: z.array(z.object({ deviceId: z.string(), counter: z.number().int(), windowStart: z.number().int(), duplicate: z.boolean() })) })],
      400: bad('MALFORMED_BODY, EMPTY_BATCH, INVALID_READING, INVALID_SIGNATURE_FORMAT'),
      409: bad('COUNTER_REPLAYED'),
      413: bad('BATCH_TOO_LARGE'),
      422: bad('UNKNOWN_DEVICE, DEVICE_REVOKED, BAD_SIGNATURE, ENERGY_DECREASED, TIMESTAMP_OUT_OF_RANGE'),
      503: bad('DEVICE_DIRECTORY_UNAVAILABLE'),
    },
  },
  { method: 'get', path: windowsPaths.list, tag: 'windows', summary: 'Windows newest first (status=pending: sealed, not yet recorded on chain)', query: listWindowsQuerySchema, responses: { 200: ['windows', z.object({ windows: z.array(windowSummary), anchoring: z.enum(['watched', 'unknown']) })], 400: bad('INVALID_QUERY') } },
  { method: 'get', path: windowsPaths.get, tag: 'windows', summary: 'A sealed window', params: windowStartParamSchema, responses: { 200: ['summary', windowSummary], 400: bad('INVALID_WINDOW_START'), 404: bad('WINDOW_NOT_FOUND'), 409: bad('WINDOW_NOT_SEALED') } },
  { method: 'get', path: windowsPaths.document, tag: 'windows', summary: 'The sealed window document (canonical DAG-JSON bytes, x-ipfs-cid header)', params: windowStartParamSchema, responses: { 200: ['document bytes', 'application/vnd.ipld.dag-json'], 400: bad('INVALID_WINDOW_START'), 404: bad('WINDOW_NOT_FOUND'), 409: bad('WINDOW_NOT_SEALED') } },
  { method: 'get', path: windowsPaths.proof, tag: 'windows', summary: 'Two-level inclusion proof of one reading', params: windowStartParamSchema, query: proofQuerySchema, responses: { 200: ['proof', z.object({ windowStart: z.number().int(), cid: z.string() }).loose()], 400: bad('INVALID_WINDOW_START, INVALID_QUERY'), 404: bad('WINDOW_NOT_FOUND, READING_NOT_IN_WINDOW'), 409: bad('WINDOW_NOT_SEALED') } },
  { method: 'get', path: devicesPaths.list, tag: 'devices', summary: 'Registered devices (chain registry mirror)', query: listDevicesQuerySchema, responses: { 200: ['devices', z.object({ devices: z.array(device), total: z.number().int() })], 400: bad('INVALID_QUERY'), 503: bad('DEVICE_DIRECTORY_UNAVAILABLE') } },
  { method: 'get', path: devicesPaths.get, tag: 'devices', summary: 'One registered device', params: deviceParamSchema, responses: { 200: ['device', device], 400: bad('INVALID_DEVICE_ID'), 404: bad('DEVICE_NOT_FOUND'), 503: bad('DEVICE_DIRECTORY_UNAVAILABLE') } },
  { method: 'get', path: devicesPaths.readings, tag: 'devices', summary: 'A device’s readings, newest first, paged by cursor', params: deviceParamSchema, query: deviceReadingsQuerySchema, responses: { 200: ['page', z.object({ readings: z.array(reading), nextCursor: z.number().int().nullable() })], 400: bad('INVALID_DEVICE_ID, INVALID_QUERY') } },
  { method: 'get', path: devicesPaths.latest, tag: 'devices', summary: 'The newest reading', params: deviceParamSchema, responses: { 200: ['reading', reading], 400: bad('INVALID_DEVICE_ID'), 404: bad('NO_READINGS') } },
  {
    method: 'get',
    path: devicesPaths.chart,
    tag: 'devices',
    summary: 'Calendar period in a time zone, in buckets with average power and energy',
    params: deviceParamSchema,
    query: chartQuerySchema,
    responses: {
      200: ['chart', z.object({ deviceId: z.string(), range: z.string(), tz: z.string(), bucket: z.string(), start: z.number().int(), end: z.number().int(), energyWh: z.number().int(), buckets: z.array(z.object({ start: z.number().int(), end: z.number().int(), readings: z.number().int(), avgPowerW: z.number().nullable(), maxPowerW: z.number().nullable(), energyWh: z.number().int() })) })],
      400: bad('INVALID_DEVICE_ID, INVALID_QUERY'),
    },
  },
  { method: 'get', path: devicesPaths.liveness, tag: 'devices', summary: 'Last seen and online/offline', params: deviceParamSchema, query: livenessQuerySchema, responses: { 200: ['liveness', z.object({ deviceId: z.string(), online: z.boolean(), lastSeen: z.number().int().nullable(), intervalSeconds: z.number().int().nullable(), onlineUntil: z.number().int().nullable() }).loose()], 400: bad('INVALID_DEVICE_ID, INVALID_QUERY') } },
  { method: 'get', path: '/v1/live', tag: 'live', summary: 'WebSocket: send {"subscribe":["XXXX_ZZZZ",…]}, receive {"type":"reading","reading":{…}} per accepted reading', query: z.object({ devices: z.string().optional().describe('comma-separated device ids to follow from the start') }), responses: { 101: ['switching to WebSocket', 'application/json'], 426: bad('UPGRADE_REQUIRED') } },
  { method: 'get', path: ipfsPaths.block, tag: 'ipfs', summary: 'Trustless gateway: raw block (?format=raw) or dag-json', params: z.object({ cid: z.string() }), query: z.object({ format: z.enum(['raw', 'dag-json']).optional() }), responses: { 200: ['block bytes', 'application/vnd.ipld.raw'], 400: bad('INVALID_CID'), 404: bad('BLOCK_NOT_FOUND'), 406: bad('FORMAT_NOT_SUPPORTED') } },
];

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  return rest;
};

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (js.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document, built from the route schemas (JSON Schema 2020-12 via zod). */
export function buildOpenApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${path.replace(/[{}]/g, '').replace(/(^|\/|-)([a-z0-9])/g, (_m, _s, ch: string) => ch.toUpperCase())}`,
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, [description, schema]]) => [
          status,
          { description, content: typeof schema === 'string' ? { [schema]: { schema: {} } } : { 'application/json': { schema: jsonSchema(schema) } } },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GridProof oracle API',
      version: '0.1.0',
      description: 'Signed meter readings in, sealed UTC windows out. MQTT ingest: publish 107-byte signed readings (QoS 1) to gridproof/v1/devices/{deviceId}/readings; refusals arrive on gridproof/v1/devices/{deviceId}/errors.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
  };
}
