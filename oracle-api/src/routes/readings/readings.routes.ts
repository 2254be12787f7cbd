import { createRoute, z } from '@hono/zod-openapi';
import { batchBodyLimit } from '../../middleware/batchBodyLimit.js';
import { jsonBody } from '../../middleware/jsonBody.js';
import { errorResponse, ingestResponseSchema, jsonResponse } from '../../openapi/schemas.js';
import { apiPaths, MAX_BATCH } from '../paths.js';

/** `POST /v1/readings` body; the pattern is the contract, the validator lets the service name each entry's precise fault. */
export function ingestBodySchema(maxBatch = MAX_BATCH) {
  const signedReading = z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex')
    .openapi({ pattern: '^0x[0-9a-fA-F]{214}$', description: '0x + 107 signed bytes (43-byte reading ‖ 64-byte signature)' });
  return z.object({ readings: z.array(signedReading).min(1).max(maxBatch) });
}

/** POST /v1/readings, with the batch and body limits in force (`maxBatch` is {@link MAX_BATCH} unless configured). */
export function ingestRoute(rules: { maxBatch: number; maxBodyBytes: number }) {
  return createRoute({
    method: 'post',
    path: apiPaths.readings,
    tags: ['readings'],
    summary: 'Ingest a batch of signed readings (all or nothing)',
    description: `At most ${rules.maxBatch} readings and ${rules.maxBodyBytes} bytes. A reading stored before is a duplicate, not an error.`,
    middleware: [batchBodyLimit({ maxBytes: rules.maxBodyBytes }), jsonBody({ expected: '{"readings": ["0x…", …]}' })] as const,
    request: {
      body: {
        required: true,
        description: 'JSON (whatever the Content-Type says)',
        content: { 'application/json': { schema: ingestBodySchema(rules.maxBatch) } },
      },
    },
    responses: {
      200: jsonResponse('Stored (or already stored: duplicates)', ingestResponseSchema),
      400: errorResponse(['MALFORMED_BODY', 'EMPTY_BATCH', 'INVALID_READING', 'INVALID_SIGNATURE_FORMAT'], 'The batch or one reading is malformed'),
      409: errorResponse(['COUNTER_REPLAYED'], 'A counter was used before with other bytes'),
      413: errorResponse(['BATCH_TOO_LARGE'], 'Too many readings or bytes'),
      422: errorResponse(['UNKNOWN_DEVICE', 'DEVICE_REVOKED', 'BAD_SIGNATURE', 'ENERGY_DECREASED', 'TIMESTAMP_OUT_OF_RANGE'], 'A reading is refused'),
      503: errorResponse(['DEVICE_DIRECTORY_UNAVAILABLE'], 'The device registry cannot be read; retry'),
    },
  });
}
