import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiErrorCode } from '@gridproof/protocol';
import type { ZodError } from 'zod';
import type { AppEnv } from '../context.js';
import { ApiError } from './errors.js';

/** Path parameter → the code its refusal carries (a bad `:deviceId` is INVALID_DEVICE_ID, …). */
const PARAM_CODES: Record<string, [400 | 404, ApiErrorCode]> = {
  deviceId: [400, 'INVALID_DEVICE_ID'],
  windowStart: [400, 'INVALID_WINDOW_START'],
  cid: [400, 'INVALID_CID'],
  asset: [404, 'NOT_FOUND'],
};

const issuesOf = (error: ZodError) => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
const sentence = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');

/**
 * Maps a zod failure of a route's declared request to the stable code the API has always
 * answered: query → 400 INVALID_QUERY, a path parameter → its own code, the batch body →
 * MALFORMED_BODY / EMPTY_BATCH / BATCH_TOO_LARGE (413). Throws; `app.onError` formats it.
 */
export function refuseInvalid(target: string, error: ZodError, input?: unknown): never {
  const issues = issuesOf(error);
  if (target === 'param') {
    const [status, code] = PARAM_CODES[String(error.issues[0]?.path[0])] ?? [400, 'BAD_REQUEST'];
    throw new ApiError(status, code, `Invalid path parameter: ${sentence(issues)}.`, { issues });
  }
  if (target === 'json') refuseBatch(error, input);
  throw new ApiError(400, 'INVALID_QUERY', `Invalid parameters: ${sentence(issues)}.`, { issues });
}

/** `POST /v1/readings` body refusals, in the order the batch is judged: shape, size, then each entry. */
function refuseBatch(error: ZodError, input: unknown): never {
  const at = (i: (typeof error.issues)[number]) => i.path.map(String).join('.');
  const shape = error.issues.find((i) => i.path.length <= 1 && i.code !== 'too_big' && i.code !== 'too_small');
  if (shape) throw new ApiError(400, 'MALFORMED_BODY', 'Expected {"readings": ["0x<107-byte signed reading hex>", …]}.', { issues: issuesOf(error) });
  const tooBig = error.issues.find((i) => i.code === 'too_big' && at(i) === 'readings');
  if (tooBig && tooBig.code === 'too_big') {
    const maxBatch = Number(tooBig.maximum);
    const count = (input as { readings?: unknown[] } | undefined)?.readings?.length;
    throw new ApiError(413, 'BATCH_TOO_LARGE', `A batch holds at most ${maxBatch} readings${count === undefined ? '' : `, got ${count}`}.`, {
      maxBatch,
      count,
    });
  }
  if (error.issues.some((i) => i.code === 'too_small' && at(i) === 'readings')) throw new ApiError(400, 'EMPTY_BATCH', 'The batch has no readings.');
  const entry = error.issues.find((i) => i.path[0] === 'readings' && typeof i.path[1] === 'number');
  const index = entry?.path[1] as number | undefined;
  throw new ApiError(400, 'MALFORMED_BODY', `readings[${index}] is not a 0x-prefixed hex string.`, { index });
}

/**
 * A router whose declared request schemas refuse bad input with the API's codes
 * ({@link refuseInvalid}); every oracle-api route is declared on one of these.
 * @example createRouter().openapi(healthRoute, health)
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: async (result, c) => {
      if (!result.success) refuseInvalid(result.target, result.error, result.target === 'json' ? await c.req.json().catch(() => undefined) : undefined);
    },
  });
}
