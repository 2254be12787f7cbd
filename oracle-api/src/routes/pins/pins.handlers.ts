import type { RouteHandler } from '@hono/zod-openapi';
import { requireSession } from '../../auth/session.js';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../lib/errors.js';
import { MAX_PIN_BYTES, pinDocument } from '../../services/pinning.js';
import { PIN_CONTENT_TYPES, type pinRoute } from './pins.routes.js';

/** POST /v1/pins — session first (401 before any byte is read), then type, size, bytes. */
export const pin: RouteHandler<typeof pinRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const session = requireSession(c);
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!(PIN_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${PIN_CONTENT_TYPES.join(' or ')}.`, { contentType: type || null });
  }
  const declared = Number(c.req.header('content-length'));
  if (declared > MAX_PIN_BYTES) throw tooLarge(declared);
  const bytes = await readAtMost(c.req.raw, MAX_PIN_BYTES);
  const result = await pinDocument(ctx, bytes);
  ctx.logger.info('pinned', { cid: result.cid.toString(), size: result.size, by: session.address, created: result.created });
  const answer = { cid: result.cid.toString(), size: result.size, ...(result.remote ? { remote: result.remote } : {}) };
  return result.created ? c.json(answer, 201) : c.json(answer, 200);
};

const tooLarge = (size?: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `A pin holds at most ${MAX_PIN_BYTES} bytes.`, { maxBytes: MAX_PIN_BYTES, ...(size ? { size } : {}) });

/** Reads the body, refusing (413) as soon as it passes `max` bytes: a chunked body has no Content-Length to trust. */
async function readAtMost(request: Request, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
