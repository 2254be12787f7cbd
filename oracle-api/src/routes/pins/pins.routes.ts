import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse, jsonResponse } from '../../openapi/schemas.js';

export const pinsPath = '/v1/pins';
/** Content types a pin body may have; both force a CORS preflight, so only ALLOWED_ORIGINS can post one with the cookie. */
export const PIN_CONTENT_TYPES = ['application/vnd.ipld.dag-json', 'application/octet-stream'] as const;

export const pinSchema = z
  .object({
    cid: z.string().openapi({ description: 'CIDv1 dag-json sha2-256 (base32); served at /ipfs/{cid}' }),
    size: z.number().int(),
    remote: z.string().optional().openapi({ description: 'The remote pinning service that also holds it (e.g. storacha)' }),
  })
  .openapi('Pin', { example: { cid: 'baguqeerasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea', size: 512 } });

const body = z.string().openapi({ format: 'binary' });

/** POST /v1/pins */
export const pinRoute = createRoute({
  method: 'post',
  path: pinsPath,
  tags: ['ipfs'],
  summary: 'Pins canonical DAG-JSON bytes (≤ 64 KiB: an encrypted profile, a member list) for the signed-in account',
  request: {
    body: { required: true, content: Object.fromEntries(PIN_CONTENT_TYPES.map((t) => [t, { schema: body }])) },
  },
  responses: {
    200: jsonResponse('Already stored (idempotent)', pinSchema),
    201: jsonResponse('Stored', pinSchema),
    400: errorResponse(['PIN_NOT_DAG_JSON'], 'Not canonical DAG-JSON'),
    401: errorResponse(['UNAUTHENTICATED'], 'Sign in first'),
    413: errorResponse(['PAYLOAD_TOO_LARGE'], 'More than 64 KiB'),
    415: errorResponse(['UNSUPPORTED_MEDIA_TYPE'], `Content-Type must be ${PIN_CONTENT_TYPES.join(' or ')}`),
    502: errorResponse(['PIN_REMOTE_FAILED'], 'Stored here, not by the remote pinning service'),
  },
});
