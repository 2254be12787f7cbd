import type { RouteHandler } from '@hono/zod-openapi';
import { CID } from 'multiformats/cid';
import type { AppEnv } from '../../context.js';
import { readVerifiedBlock } from '../../lib/blocks.js';
import { ApiError } from '../../lib/errors.js';
import { DAG_JSON_TYPE, RAW_BLOCK_TYPE } from '../paths.js';
import { DAG_JSON_CODEC, type blockRoute } from './ipfs.routes.js';

/**
 * GET /ipfs/:cid — a trustless gateway for the blocks this service stores (IPFS Trustless
 * Gateway spec, raw blocks only): `?format=raw` or `Accept: application/vnd.ipld.raw` gives the
 * block bytes, which the client verifies by hashing. Without either, a dag-json block is
 * served as dag-json: its bytes are already canonical, so the two are the same bytes.
 */
export const block: RouteHandler<typeof blockRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const text = c.req.valid('param').cid;
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (err) {
    throw new ApiError(400, 'INVALID_CID', `"${text.slice(0, 100)}" is not a CID.`, { cid: text.slice(0, 100) }, err);
  }
  const { format } = c.req.valid('query');
  const accept = c.req.header('accept') ?? '';
  const raw = format === 'raw' || (format === undefined && accept.includes(RAW_BLOCK_TYPE));
  const dagJson = !raw && (format === undefined || format === 'dag-json') && cid.code === DAG_JSON_CODEC;
  if (!raw && !dagJson) {
    throw new ApiError(406, 'FORMAT_NOT_SUPPORTED', `This gateway serves raw blocks (?format=raw or Accept: ${RAW_BLOCK_TYPE}) and dag-json documents.`, {
      format: format ?? null,
      accept,
    });
  }
  const bytes = await readVerifiedBlock(ctx.blocks, cid);
  if (!bytes) throw new ApiError(404, 'BLOCK_NOT_FOUND', `Block ${cid} is not stored here.`, { cid: cid.toString() });
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': raw ? RAW_BLOCK_TYPE : DAG_JSON_TYPE,
    'x-ipfs-path': `/ipfs/${text}`,
    'x-ipfs-roots': cid.toString(),
    etag: `"${cid}${raw ? '.raw' : '.dag-json'}"`,
    vary: 'Accept',
    // Content-addressed: the bytes behind a CID can never change.
    'cache-control': 'public, max-age=29030400, immutable',
  });
};
