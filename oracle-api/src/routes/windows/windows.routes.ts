import { createRoute, z } from '@hono/zod-openapi';
import { deviceIdSchema, errorResponse, readingProofSchema, windowListSchema, windowSummarySchema, jsonResponse } from '../../openapi/schemas.js';
import { apiPaths, DAG_JSON_TYPE } from '../paths.js';

/** `GET /v1/windows` query. */
export const listWindowsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 }),
  before: z.coerce.number().int().min(0).optional().openapi({ description: 'Only windows starting strictly before this (paging newest → oldest)' }),
  status: z.enum(['sealed', 'open', 'pending', 'all']).default('sealed').openapi({
    description:
      'sealed (default): every sealed window, anchored or not; open: still collecting; pending: sealed, not yet recorded on chain (committed ones included); all: sealed and open',
  }),
});

/** `:windowStart`: unix seconds, decimal, no leading zeros. */
export const windowStartParamSchema = z.object({
  windowStart: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be unix seconds')
    .transform(Number)
    .openapi({ param: { name: 'windowStart', in: 'path' }, example: '1767225600', description: 'Unix seconds, aligned to the window length' }),
});

/** `GET /v1/windows/{windowStart}/proof` query. */
export const proofQuerySchema = z.object({
  deviceId: deviceIdSchema,
  counter: z.coerce.number().int().min(0).openapi({ example: 1 }),
});

const sealedWindowErrors = {
  400: errorResponse(['INVALID_WINDOW_START'], 'Not a window start (or not aligned)'),
  404: errorResponse(['WINDOW_NOT_FOUND'], 'No window with readings starts there'),
  409: errorResponse(['WINDOW_NOT_SEALED'], 'The window is still open'),
} as const;

/** GET /v1/windows */
export const listWindowsRoute = createRoute({
  method: 'get',
  path: apiPaths.windows,
  tags: ['windows'],
  summary: 'Windows, newest first',
  request: { query: listWindowsQuerySchema },
  responses: {
    200: jsonResponse('Windows; `anchoring: "unknown"` when no DataLogger is watched (sealed windows then stay `sealed`)', windowListSchema),
    400: errorResponse(['INVALID_QUERY'], 'Bad limit, before or status'),
  },
});

/** GET /v1/windows/{windowStart} */
export const getWindowRoute = createRoute({
  method: 'get',
  path: apiPaths.window,
  tags: ['windows'],
  summary: 'A sealed window',
  request: { params: windowStartParamSchema },
  responses: { 200: jsonResponse('The window', windowSummarySchema), ...sealedWindowErrors },
});

/** GET /v1/windows/{windowStart}/document */
export const windowDocumentRoute = createRoute({
  method: 'get',
  path: apiPaths.windowDocument,
  tags: ['windows'],
  summary: 'The sealed window document: canonical DAG-JSON bytes, `x-ipfs-cid` header',
  request: { params: windowStartParamSchema },
  responses: {
    200: {
      description: 'The document bytes, exactly as pinned (sha-256 = the on-chain CID digest)',
      headers: { 'x-ipfs-cid': { description: 'CID of the bytes', schema: { type: 'string' } } },
      // A string key: hono would type a *json media type as a JSON answer; these are bytes.
      content: { [DAG_JSON_TYPE as string]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...sealedWindowErrors,
  },
});

/** GET /v1/windows/{windowStart}/proof */
export const windowProofRoute = createRoute({
  method: 'get',
  path: apiPaths.windowProof,
  tags: ['windows'],
  summary: 'Two-level inclusion proof of one reading',
  request: { params: windowStartParamSchema, query: proofQuerySchema },
  responses: {
    200: jsonResponse('reading leaf → device root → window root', readingProofSchema),
    400: errorResponse(['INVALID_WINDOW_START', 'INVALID_QUERY'], 'Bad window start, deviceId or counter'),
    404: errorResponse(['WINDOW_NOT_FOUND', 'READING_NOT_IN_WINDOW'], 'No such window, or the reading is not in it'),
    409: sealedWindowErrors[409],
  },
});
