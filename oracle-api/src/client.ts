/**
 * @module @gridproof/oracle-api/client — the typed client of the oracle API. No runtime import of
 * server code (only protocol's error base and hex helpers, and the path table), so browsers,
 * bundles, the gateway and the simulator can use it. The CRE workflow and the Functions source,
 * which must issue requests through their own HTTP capability, reuse `oracleApiPaths` and the
 * response types only.
 */
import { GridProofError, isApiErrorCode, toHex, type ApiErrorCode, type ErrorBody } from '@gridproof/protocol';
import type { z } from 'zod';
import type {
  ApiDevice,
  ApiReading,
  Chart,
  DeviceList,
  Health,
  IngestResponse,
  Liveness,
  ReadingProofResponse,
  ReadingsPage,
  ServiceInfo,
  WindowList,
  WindowSummary,
} from './openapi/schemas.js';
import type { chartQuerySchema, deviceReadingsQuerySchema, listDevicesQuerySchema, livenessQuerySchema } from './routes/devices/devices.routes.js';
import { apiPaths, DAG_JSON_TYPE, MAX_BATCH, RAW_BLOCK_TYPE } from './routes/paths.js';
import type { listWindowsQuerySchema } from './routes/windows/windows.routes.js';

/** Every request and response type of the HTTP contract (z.infer of the route schemas; types only). */
export type * from './openapi/schemas.js';
export { apiPaths, DAG_JSON_TYPE, MAX_BATCH, RAW_BLOCK_TYPE };

/** `GET /v1/windows` query. */
export type ListWindowsQuery = Partial<z.output<typeof listWindowsQuerySchema>>;
/** `GET /v1/devices` query. */
export type ListDevicesQuery = Partial<z.output<typeof listDevicesQuerySchema>>;
/** `GET /v1/devices/{deviceId}/readings` query. */
export type DeviceReadingsQuery = Partial<z.output<typeof deviceReadingsQuerySchema>>;
/** `GET /v1/devices/{deviceId}/chart` query. */
export type ChartQuery = Partial<z.output<typeof chartQuerySchema>>;
/** `GET /v1/devices/{deviceId}/liveness` query. */
export type LivenessQuery = Partial<z.output<typeof livenessQuerySchema>>;
/** `GET /ipfs/{cid}` format. */
export type BlockFormat = 'raw' | 'dag-json';

type Query = Record<string, string | number | boolean | undefined>;

function fill(template: string, params: Record<string, string | number>, query?: Query): string {
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(params[name])));
  // No URLSearchParams: the CRE workflow runs this in QuickJS, which has only the ECMAScript built-ins.
  const qs = Object.entries(query ?? {})
    .flatMap(([k, v]) => (v === undefined ? [] : [`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`]))
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

/**
 * Path (and query) builders for every route, relative to the API's base URL.
 * @example `${apiUrl}${oracleApiPaths.windowDocument(1767225600)}` // …/v1/windows/1767225600/document
 */
export const oracleApiPaths = {
  root: () => apiPaths.root,
  health: () => apiPaths.health,
  openapi: () => apiPaths.openapi,
  docs: () => apiPaths.docs,
  readings: () => apiPaths.readings,
  /** The WebSocket path; `devices` to follow from the start. */
  live: (devices?: string[]) => fill(apiPaths.live, {}, { devices: devices?.join(',') }),
  windows: (query?: ListWindowsQuery) => fill(apiPaths.windows, {}, query),
  window: (windowStart: number) => fill(apiPaths.window, { windowStart }),
  windowDocument: (windowStart: number) => fill(apiPaths.windowDocument, { windowStart }),
  windowProof: (windowStart: number, reading: { deviceId: string; counter: number }) => fill(apiPaths.windowProof, { windowStart }, reading),
  devices: (query?: ListDevicesQuery) => fill(apiPaths.devices, {}, query),
  device: (deviceId: string) => fill(apiPaths.device, { deviceId }),
  deviceReadings: (deviceId: string, query?: DeviceReadingsQuery) => fill(apiPaths.deviceReadings, { deviceId }, query),
  deviceLatest: (deviceId: string) => fill(apiPaths.deviceLatest, { deviceId }),
  deviceChart: (deviceId: string, query?: ChartQuery) => fill(apiPaths.deviceChart, { deviceId }, query),
  deviceLiveness: (deviceId: string, query?: LivenessQuery) => fill(apiPaths.deviceLiveness, { deviceId }, query),
  block: (cid: string, format?: BlockFormat) => fill(apiPaths.block, { cid }, { format }),
} as const;

/** Codes an {@link ApiRefusal} carries: the API's own, or the client's when there was no API answer to read. */
export type ApiRefusalCode = ApiErrorCode | 'API_UNREACHABLE' | 'UNEXPECTED_RESPONSE';

/**
 * A non-2xx answer of the oracle API (or none at all: `status` 0, `API_UNREACHABLE`), with the
 * typed `code` from its error body. `body` is the error body as received.
 * @example try { await api.getWindow(start) } catch (err) { if (err instanceof ApiRefusal && err.code === 'WINDOW_NOT_SEALED') … }
 */
export class ApiRefusal extends GridProofError<ApiRefusalCode> {
  override name = 'ApiRefusal' as const;
  /** HTTP status; 0 when the API could not be reached. */
  readonly status: number;
  /** The error body the API sent, when it sent one. */
  readonly body?: ErrorBody<string>;
  constructor(
    status: number,
    code: ApiRefusalCode,
    shortMessage: string,
    options: { details?: Record<string, unknown>; cause?: unknown; body?: ErrorBody<string> } = {},
  ) {
    super(code, shortMessage, options);
    this.status = status;
    this.body = options.body;
  }

  /** The refusal a response carries; an unknown or missing code becomes UNEXPECTED_RESPONSE (the body is kept). */
  static fromResponse(status: number, body: unknown): ApiRefusal {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null | undefined)?.error;
    const valid = error && typeof error.code === 'string' && typeof error.message === 'string' ? (body as ErrorBody<string>) : undefined;
    if (valid && isApiErrorCode(valid.error.code)) {
      return new ApiRefusal(status, valid.error.code, valid.error.message, { details: valid.error.details, body: valid });
    }
    return new ApiRefusal(status, 'UNEXPECTED_RESPONSE', `The oracle API answered HTTP ${status} without a known error code.`, {
      details: { status, code: valid?.error.code ?? null },
      body: valid,
    });
  }
}

/** Options of {@link createOracleApiClient}. */
export interface OracleApiClientOptions {
  /** e.g. http://127.0.0.1:8787 (a trailing slash is fine). */
  baseUrl: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per-request timeout; default none. */
  timeoutMs?: number;
}

/** A window document as served: the canonical DAG-JSON bytes and their CID (`x-ipfs-cid`). */
export interface WindowDocumentBytes {
  bytes: Uint8Array;
  cid: string;
}

/** The typed client; every method throws {@link ApiRefusal} on a non-2xx answer. */
export type OracleApiClient = ReturnType<typeof createOracleApiClient>;

/**
 * A typed client of the oracle API over `fetch`.
 * @example const api = createOracleApiClient({ baseUrl: 'http://127.0.0.1:8787' }); const { windows } = await api.listWindows({ status: 'all' })
 */
export function createOracleApiClient(options: OracleApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { ...init, signal: init.signal ?? (options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined) });
    } catch (err) {
      throw new ApiRefusal(0, 'API_UNREACHABLE', `The oracle API at ${base} could not be reached: ${(err as Error).message}`, {
        cause: err,
        details: { url: `${base}${path}` },
      });
    }
    if (res.ok) return res;
    throw ApiRefusal.fromResponse(res.status, await res.json().catch(() => undefined));
  }
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await (await send(path, init)).json()) as T;
  const bytes = async (path: string, init?: RequestInit) => {
    const res = await send(path, init);
    return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
  };

  return {
    /** The base URL requests go to. */
    baseUrl: base,
    /** `GET /`. */
    info: () => json<ServiceInfo>(oracleApiPaths.root()),
    /** `GET /health` (a 503 "down" answer throws, with the body in `details`). */
    health: () => json<Health>(oracleApiPaths.health()),
    /** `POST /v1/readings`: signed readings (107 bytes each, or their 0x hex), all or nothing. */
    postReadings: (readings: (Uint8Array | `0x${string}`)[], init?: RequestInit) =>
      json<IngestResponse>(oracleApiPaths.readings(), {
        ...init,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ readings: readings.map((r) => (typeof r === 'string' ? r : toHex(r))) }),
      }),
    /** `GET /v1/windows`. */
    listWindows: (query?: ListWindowsQuery) => json<WindowList>(oracleApiPaths.windows(query)),
    /** `GET /v1/windows/{windowStart}`. */
    getWindow: (windowStart: number) => json<WindowSummary>(oracleApiPaths.window(windowStart)),
    /** `GET /v1/windows/{windowStart}/document`: the bytes exactly as pinned, and their CID. */
    getWindowDocument: async (windowStart: number): Promise<WindowDocumentBytes> => {
      const { bytes: body, headers } = await bytes(oracleApiPaths.windowDocument(windowStart), { headers: { accept: DAG_JSON_TYPE } });
      return { bytes: body, cid: headers.get('x-ipfs-cid') ?? '' };
    },
    /** `GET /v1/windows/{windowStart}/proof`. */
    getReadingProof: (windowStart: number, reading: { deviceId: string; counter: number }) =>
      json<ReadingProofResponse>(oracleApiPaths.windowProof(windowStart, reading)),
    /** `GET /v1/devices`. */
    listDevices: (query?: ListDevicesQuery) => json<DeviceList>(oracleApiPaths.devices(query)),
    /** `GET /v1/devices/{deviceId}`. */
    getDevice: (deviceId: string) => json<ApiDevice>(oracleApiPaths.device(deviceId)),
    /** `GET /v1/devices/{deviceId}/readings`. */
    listDeviceReadings: (deviceId: string, query?: DeviceReadingsQuery) => json<ReadingsPage>(oracleApiPaths.deviceReadings(deviceId, query)),
    /** `GET /v1/devices/{deviceId}/latest`. */
    latestReading: (deviceId: string) => json<ApiReading>(oracleApiPaths.deviceLatest(deviceId)),
    /** `GET /v1/devices/{deviceId}/chart`. */
    chart: (deviceId: string, query?: ChartQuery) => json<Chart>(oracleApiPaths.deviceChart(deviceId, query)),
    /** `GET /v1/devices/{deviceId}/liveness`. */
    liveness: (deviceId: string, query?: LivenessQuery) => json<Liveness>(oracleApiPaths.deviceLiveness(deviceId, query)),
    /** `GET /ipfs/{cid}` (default `raw`): the block bytes; hash them to check the CID. */
    getBlock: async (cid: string, format: BlockFormat = 'raw') =>
      (await bytes(oracleApiPaths.block(cid, format), { headers: { accept: format === 'raw' ? RAW_BLOCK_TYPE : DAG_JSON_TYPE } })).bytes,
  };
}
