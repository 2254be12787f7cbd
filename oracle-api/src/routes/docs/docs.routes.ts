import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse, jsonResponse } from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';

/** swagger-ui-dist files /docs serves (from node_modules: works offline, no CDN). */
export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

const assetNames = Object.keys(DOCS_ASSETS) as [keyof typeof DOCS_ASSETS, ...(keyof typeof DOCS_ASSETS)[]];

/** The served OpenAPI document, as far as a client relies on it. */
export const openApiDocumentSchema = z
  .object({
    openapi: z.string().regex(/^3\.1\./),
    info: z.object({ title: z.string(), version: z.string() }).loose(),
    paths: z.record(z.string(), z.unknown()),
  })
  .loose()
  .openapi('OpenApiDocument');

/** GET /openapi.json */
export const openapiRoute = createRoute({
  method: 'get',
  path: apiPaths.openapi,
  tags: ['service'],
  summary: 'This contract: OpenAPI 3.1, generated from the route declarations',
  responses: { 200: jsonResponse('The OpenAPI document', openApiDocumentSchema) },
});

/** GET /docs */
export const docsRoute = createRoute({
  method: 'get',
  path: apiPaths.docs,
  tags: ['service'],
  summary: 'Swagger UI over /openapi.json (every asset served here: works offline)',
  responses: { 200: { description: 'The HTML page', content: { 'text/html': { schema: z.string() } } } },
});

/** GET /docs/{asset} */
export const docsAssetRoute = createRoute({
  method: 'get',
  path: apiPaths.docsAsset,
  tags: ['service'],
  summary: 'A Swagger UI asset',
  request: { params: z.object({ asset: z.enum(assetNames).openapi({ param: { name: 'asset', in: 'path' } }) }) },
  responses: {
    200: {
      description: 'The asset',
      content: Object.fromEntries(Object.values(DOCS_ASSETS).map((type) => [type.split(';')[0], { schema: z.string().openapi({ format: 'binary' }) }])),
    },
    404: errorResponse(['NOT_FOUND'], 'Not one of the assets'),
  },
});
