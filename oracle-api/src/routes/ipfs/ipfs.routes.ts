import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../../openapi/schemas.js';
import { apiPaths, DAG_JSON_TYPE, RAW_BLOCK_TYPE } from '../paths.js';

/** multicodec dag-json. */
export const DAG_JSON_CODEC = 0x0129;

const bytes = z.string().openapi({ format: 'binary' });

/** GET /ipfs/{cid} */
export const blockRoute = createRoute({
  method: 'get',
  path: apiPaths.block,
  tags: ['ipfs'],
  summary: 'Trustless gateway: a raw block (?format=raw or Accept: application/vnd.ipld.raw), or a dag-json document',
  request: {
    params: z.object({
      cid: z.string().openapi({
        param: { name: 'cid', in: 'path' },
        description: 'CIDv1 (sha2-256)',
        example: 'baguqeera5w2dxbmb3xkc3x2m4ttf2fvyhtvz3h2fxm4b4agbdtc3nxyfpbhq',
      }),
    }),
    query: z.object({ format: z.string().optional().openapi({ description: '`raw` or `dag-json`; any other is 406 FORMAT_NOT_SUPPORTED', example: 'raw' }) }),
  },
  responses: {
    200: {
      description: 'The block bytes; hash them to check the CID',
      // String keys: hono would type a *json media type as a JSON answer; these are bytes.
      content: { [RAW_BLOCK_TYPE as string]: { schema: bytes }, [DAG_JSON_TYPE as string]: { schema: bytes } },
    },
    400: errorResponse(['INVALID_CID'], 'Not a CID'),
    404: errorResponse(['BLOCK_NOT_FOUND'], 'Not stored here'),
    406: errorResponse(['FORMAT_NOT_SUPPORTED'], 'Only raw blocks and dag-json documents are served'),
  },
});
