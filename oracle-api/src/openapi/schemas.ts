import { z } from '@hono/zod-openapi';
import { DEVICE_ID_PATTERN, type ApiErrorCode } from '@gridproof/protocol';

/**
 * The response schemas of the HTTP contract, shared by the route declarations. Types exported
 * from oracle-api (and the typed client) are `z.infer` of these: nothing is written twice.
 */

const int = () => z.number().int();
const hex = (what: string) =>
  z
    .string()
    .regex(/^0x[0-9a-fA-F]*$/)
    .openapi({ description: what });

/** 2026-01-01T00:00:00Z: the start of the windows in the examples. */
const T0 = 1767225600;
const SIGNED_EXAMPLE = `0x01${'53'.repeat(4)}5f${'30'.repeat(4)}${'00'.repeat(101)}`;

/** A device id, `XXXX_ZZZZ` (four upper-case letters or digits, `_`, four digits). */
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'device id must be XXXX_ZZZZ').openapi({ example: 'SOLR_0001' });

/**
 * The error body narrowed to the codes one response can carry: `{"error": {"code", "message", "details"}}`.
 * @example errorSchema(['WINDOW_NOT_FOUND'])
 */
export function errorSchema<const C extends readonly [ApiErrorCode, ...ApiErrorCode[]]>(codes: C) {
  return z.object({
    error: z.object({
      code: z.enum(codes).openapi({ description: 'Stable machine-readable code; match on it, never on the message' }),
      message: z.string().openapi({ description: 'One human sentence' }),
      details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The offending values (e.g. `index` of the refused reading)' }),
    }),
  });
}

/** A JSON response of a route: `description` and the schema of its `application/json` body. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON error response of a route, listing its codes in the description. */
export function errorResponse<const C extends readonly [ApiErrorCode, ...ApiErrorCode[]]>(codes: C, why: string) {
  const schema = errorSchema(codes);
  return {
    description: `${why}: ${codes.join(', ')}`,
    content: { 'application/json': { schema, example: { error: { code: codes[0], message: `${why}.` } } } },
  } as const;
}

/** A stored reading as the API shows it (HTTP and the live stream); never any owner data. */
export const readingSchema = z
  .object({
    deviceId: deviceIdSchema,
    counter: int(),
    timestamp: int().openapi({ description: 'Unix seconds, from the meter' }),
    powerW: int(),
    energyWh: int().openapi({ description: 'Cumulative register' }),
    voltageMv: int(),
    status: z.enum(['ON', 'OFF']),
    windowStart: int(),
    signed: hex('0x + 107 signed bytes (43-byte reading ‖ 64-byte signature)'),
    excludedReason: z.enum(['DEVICE_REVOKED', 'UNKNOWN_DEVICE']).nullable().openapi({
      description:
        "Set when sealing left the reading out of its window's document: DEVICE_REVOKED (timestamped at or after its device's revocation, accepted before the API saw it) or UNKNOWN_DEVICE (its certification left the chain). The reading stays stored; null: it counts",
    }),
  })
  .openapi('Reading', {
    example: {
      deviceId: 'SOLR_0001',
      counter: 1,
      timestamp: T0 + 10,
      powerW: 1500,
      energyWh: 100_025,
      voltageMv: 230_000,
      status: 'ON',
      windowStart: T0,
      signed: SIGNED_EXAMPLE,
      excludedReason: null,
    },
  });

/** One reading of a batch as acknowledged. */
export const ingestedReadingSchema = z.object({
  deviceId: deviceIdSchema,
  counter: int(),
  windowStart: int(),
  duplicate: z.boolean().openapi({ description: 'Already stored (idempotent retry)' }),
});

/** `POST /v1/readings` answer: everything was stored (or was already). */
export const ingestResponseSchema = z
  .object({ accepted: int(), duplicates: int(), readings: z.array(ingestedReadingSchema).openapi({ description: 'In the order they were posted' }) })
  .openapi('IngestResponse', { example: { accepted: 1, duplicates: 0, readings: [{ deviceId: 'SOLR_0001', counter: 1, windowStart: T0, duplicate: false }] } });

/**
 * One state machine per window: `open` (collecting readings) → `sealed` (document built, CID fixed) → `committed`
 * (the DON committed the document's digest on chain: phase one of the two-phase anchor, before the sampling seed
 * exists) → `anchored` (the DataLogger recorded it), or `frozen` (the WindowChallenger proved the record's totals
 * wrong; `frozenReason` says why). A fraud proof against one device freezes that device only: the window keeps its
 * status and lists it in `frozenDevices`. Without a watched DataLogger (`anchoring: "unknown"`) a sealed window stays
 * `sealed`.
 */
export const WINDOW_STATUSES = ['open', 'sealed', 'committed', 'anchored', 'frozen'] as const;

const uint32 = (description: string) =>
  int()
    .min(0)
    .max(2 ** 32 - 1)
    .openapi({ description: `${description} (uint32 on chain)` });

/** One device summary of a window proven fraudulent on chain (DataLogger `DeviceFrozen`), and its correction. */
export const frozenDeviceSchema = z
  .object({
    deviceId: deviceIdSchema,
    reason: int().openapi({ description: 'WindowChallenger reason code (1 bad signature … 15 malformed reading; IWindowChallenger lists them)' }),
    challenger: hex('address of who proved it'),
    evidence: hex('the leaf the proof was about (a reading leaf or a summary leaf)'),
    frozenAt: int().openapi({ description: 'Block timestamp of the freeze' }),
    txHash: hex('transaction of the freeze'),
    correction: z
      .object({
        summaryLeaf: hex('the corrected summary leaf the DON recorded'),
        cidDigest: hex('sha-256 of the correction document'),
        correctedAt: int().openapi({ description: 'Block timestamp of the correction' }),
        txHash: hex('transaction of the correction'),
      })
      .nullable()
      .openapi({ description: "The DON's corrected summary (DeviceCorrected); null while the device's readings in this window are unprovable" }),
  })
  .openapi('FrozenDevice');

/** `{production, consumption, gridStatus}` of a value per device role (protocol `DeviceRole`), or null. */
function roleTotalsSchema<S extends z.ZodType>(value: S, description: string) {
  return z.object({ production: value, consumption: value, gridStatus: value }).nullable().openapi({ description });
}

/** A window as the API shows it; sealed-only fields are null while it is open. */
export const windowSummarySchema = z
  .object({
    windowStart: int().openapi({ description: 'Unix seconds, aligned to windowSeconds' }),
    windowSeconds: int(),
    status: z.enum(WINDOW_STATUSES).openapi({ description: 'open → sealed → committed → anchored, or frozen (totals proven wrong)' }),
    cid: z.string().nullable().openapi({ description: 'CIDv1 dag-json sha2-256 of the document' }),
    root: hex('Merkle root over the device summary leaves').nullable(),
    cidDigest: hex('sha-256 of the document bytes (the digest the DataLogger stores)').nullable(),
    deviceCount: uint32('Devices with readings in the window'),
    readingCount: uint32('Readings in the window'),
    energyWh: z
      .string()
      .regex(/^(0|[1-9][0-9]*)$/)
      .nullable()
      .openapi({
        description:
          "The window's exact energy total in Wh, as a decimal string (it may pass 2^53−1, where JSON numbers lose digits); ≤ 2^64−1. Null while open",
        example: '18014398509484507',
      }),
    energyByRole: roleTotalsSchema(
      z.string().regex(/^(0|[1-9][0-9]*)$/),
      "energyWh per device role (the registry's role of each device summary), exact decimal strings summing to energyWh. The on-chain report carries only the total. Null while open or for windows sealed before roles were recorded",
    ),
    deviceCountByRole: roleTotalsSchema(
      int().min(0),
      'Devices with readings in the document per role (sum: deviceCount). Null while open or for windows sealed before roles were recorded',
    ),
    excludedReadingCount: int().min(0).nullable().openapi({
      description:
        "Stored readings of the window left out of its document because the registry read after the window's end says they do not count (revoked at or before their timestamp, or device unknown); each is marked with its excludedReason. Null while open",
    }),
    sealedAt: int().nullable(),
    committedAt: int().nullable().openapi({ description: "Unix seconds the service saw the DON's commit of the document digest; null before" }),
    anchoredAt: int().nullable().openapi({ description: 'Unix seconds the service saw the window recorded; null unless anchored' }),
    frozenReason: int()
      .nullable()
      .openapi({ description: 'WindowChallenger reason code when status is frozen (14: the totals are not the sums of the device summaries); else null' }),
    frozenDevices: z
      .array(frozenDeviceSchema)
      .openapi({ description: 'Device summaries of this window proven fraudulent on chain, in chain order (a corrected device frozen again appears twice)' }),
  })
  .openapi('WindowSummary', {
    example: {
      windowStart: T0,
      windowSeconds: 300,
      status: 'anchored',
      cid: 'baguqeera5w2dxbmb3xkc3x2m4ttf2fvyhtvz3h2fxm4b4agbdtc3nxyfpbhq',
      root: `0x${'ab'.repeat(32)}`,
      cidDigest: `0x${'cd'.repeat(32)}`,
      deviceCount: 2,
      readingCount: 3,
      energyWh: '40',
      energyByRole: { production: '40', consumption: '0', gridStatus: '0' },
      deviceCountByRole: { production: 2, consumption: 0, gridStatus: 0 },
      excludedReadingCount: 0,
      sealedAt: T0 + 305,
      committedAt: T0 + 312,
      anchoredAt: T0 + 330,
      frozenReason: null,
      frozenDevices: [],
    },
  });

/** Whether the service watches a DataLogger ('watched') or cannot tell anchored windows from sealed ones ('unknown'). */
export const anchoringSchema = z.enum(['watched', 'unknown']);

/** `GET /v1/windows` answer. */
export const windowListSchema = z.object({ windows: z.array(windowSummarySchema), anchoring: anchoringSchema }).openapi('WindowList');

/** `GET /v1/windows/{windowStart}/proof` answer: the two-level inclusion proof of one reading. */
export const readingProofSchema = z
  .object({
    windowStart: int(),
    cid: z.string(),
    deviceId: deviceIdSchema,
    signedReading: hex('0x + 107 signed bytes'),
    readingLeaf: hex('32-byte leaf'),
    readingProof: z.array(hex('32-byte sibling')).openapi({ description: 'reading leaf → device readingsRoot' }),
    summary: z.object({
      deviceId: deviceIdSchema,
      readingsRoot: hex('Merkle root over the device readings'),
      readingCount: int(),
      firstCounter: int(),
      lastCounter: int(),
      energyStartWh: int(),
      energyEndWh: int(),
      baselineLeaf: hex('leaf of the last reading before the window, or 32 zero bytes'),
    }),
    summaryLeaf: hex('32-byte leaf'),
    summaryProof: z.array(hex('32-byte sibling')).openapi({ description: 'summary leaf → window root' }),
    windowRoot: hex('the window Merkle root'),
  })
  .openapi('ReadingProof');

/** A certified device (the chain registry's events, read at most ~1 s before the answer). */
export const deviceSchema = z
  .object({
    deviceId: deviceIdSchema,
    keyType: z.enum(['P256', 'ED25519']),
    publicKey: hex('Certified public key'),
    role: z
      .object({ code: int().min(1).max(3), name: z.enum(['production', 'consumption', 'grid status']) })
      .openapi({ description: 'The role its readings count under: 1 production, 2 consumption, 3 grid status' }),
    ratedCapacityW: int().nullable().openapi({ description: 'Rated capacity in watts; null when the device source does not know it' }),
    certifier: hex('address of the electrician who certified it').nullable(),
    organisationId: z
      .string()
      .regex(/^[1-9][0-9]*$/)
      .nullable()
      .openapi({ description: 'The installer organisation it was certified under (uint256, decimal string)' }),
    certifiedAt: int().nullable().openapi({ description: 'Block timestamp of the certification' }),
    revokedAt: int()
      .nullable()
      .openapi({ description: 'Block timestamp of the revocation: readings timestamped from then on are refused; earlier ones stay valid. Null while active' }),
    revocationReason: z
      .enum(['seal broken', 'key compromised', 'decommissioned', 'replaced', 'other'])
      .nullable()
      .openapi({ description: 'Why it was revoked; null while active' }),
    active: z.boolean().openapi({ description: 'false once revoked' }),
    lastSeen: int().nullable().openapi({ description: 'Newest accepted reading timestamp' }),
  })
  .openapi('Device', {
    example: {
      deviceId: 'SOLR_0001',
      keyType: 'P256',
      publicKey: `0x${'11'.repeat(64)}`,
      role: { code: 1, name: 'production' },
      ratedCapacityW: 5000,
      certifier: `0x${'70'.repeat(20)}`,
      organisationId: '1',
      certifiedAt: T0 - 86_400,
      revokedAt: null,
      revocationReason: null,
      active: true,
      lastSeen: T0 + 10,
    },
  });

/** `GET /v1/devices` answer. */
export const deviceListSchema = z.object({ devices: z.array(deviceSchema), total: int() }).openapi('DeviceList');

/** `GET /v1/devices/{deviceId}/readings` answer. */
export const readingsPageSchema = z
  .object({
    readings: z.array(readingSchema),
    nextCursor: int().nullable().openapi({ description: 'Pass as `cursor` for the next (older) page; null on the last' }),
  })
  .openapi('ReadingsPage');

/** `GET /v1/devices/{deviceId}/chart` answer. */
export const chartSchema = z
  .object({
    deviceId: deviceIdSchema,
    range: z.enum(['hour', 'day', 'week', 'month', 'year']),
    tz: z.string(),
    bucket: z.enum(['minute', 'hour', 'day', 'month']),
    start: int(),
    end: int(),
    energyWh: int().openapi({ description: 'Sum of the bucket energies: the register rise over the period' }),
    buckets: z.array(
      z.object({ start: int(), end: int(), readings: int(), avgPowerW: z.number().nullable(), maxPowerW: z.number().nullable(), energyWh: int() }),
    ),
  })
  .openapi('Chart');

/** `GET /v1/devices/{deviceId}/liveness` answer. */
export const livenessSchema = z
  .object({
    deviceId: deviceIdSchema,
    online: z.boolean(),
    lastSeen: int().nullable(),
    lastReceivedAt: int().nullable(),
    lastCounter: int().nullable(),
    intervalSeconds: int().nullable().openapi({ description: 'Median gap of the last ten readings' }),
    onlineUntil: int().nullable(),
    now: int(),
  })
  .openapi('Liveness');

const componentStateSchema = z.object({ status: z.enum(['ok', 'down', 'disabled']) }).catchall(z.unknown());

/** `GET /health` answer (200 ok or degraded, 503 down). */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    checks: z.object({ db: componentStateSchema, broker: componentStateSchema, chain: componentStateSchema, ipfs: componentStateSchema }),
    now: int(),
    windowSeconds: int(),
    sealGraceSeconds: int(),
    maxClockSkewSeconds: int(),
    maxBatch: int(),
    lastSealedWindowStart: int().nullable(),
  })
  .openapi('Health');

/** `GET /` answer: what this is and where its contract is. */
export const rootSchema = z
  .object({ name: z.string(), version: z.string().optional(), links: z.object({ docs: z.literal('/docs'), openapi: z.literal('/openapi.json') }) })
  .openapi('Service', { example: { name: 'GridProof oracle API', version: '0.1.0', links: { docs: '/docs', openapi: '/openapi.json' } } });

/** A stored reading (`GET /v1/devices/{id}/latest`, pages, live stream). */
export type ApiReading = z.infer<typeof readingSchema>;
/** `POST /v1/readings` answer. */
export type IngestResponse = z.infer<typeof ingestResponseSchema>;
/** One acknowledged reading of a batch. */
export type IngestedReadingOut = z.infer<typeof ingestedReadingSchema>;
/** A window's state. */
export type WindowStatus = (typeof WINDOW_STATUSES)[number];
/** A window as the API shows it. */
export type WindowSummary = z.infer<typeof windowSummarySchema>;
/** One device freeze of a window (`WindowSummary.frozenDevices`). */
export type FrozenDevice = z.infer<typeof frozenDeviceSchema>;
/** `GET /v1/windows` answer. */
export type WindowList = z.infer<typeof windowListSchema>;
/** `GET /v1/windows/{windowStart}/proof` answer. */
export type ReadingProofResponse = z.infer<typeof readingProofSchema>;
/** A registered device. */
export type ApiDevice = z.infer<typeof deviceSchema>;
/** `GET /v1/devices` answer. */
export type DeviceList = z.infer<typeof deviceListSchema>;
/** `GET /v1/devices/{deviceId}/readings` answer. */
export type ReadingsPage = z.infer<typeof readingsPageSchema>;
/** `GET /v1/devices/{deviceId}/chart` answer. */
export type Chart = z.infer<typeof chartSchema>;
/** `GET /v1/devices/{deviceId}/liveness` answer. */
export type Liveness = z.infer<typeof livenessSchema>;
/** `GET /health` answer. */
export type Health = z.infer<typeof healthSchema>;
/** `GET /` answer. */
export type ServiceInfo = z.infer<typeof rootSchema>;
