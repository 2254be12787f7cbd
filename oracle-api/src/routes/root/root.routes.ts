import { createRoute } from '@hono/zod-openapi';
import { rootSchema, jsonResponse } from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';

/** GET / */
export const rootRoute = createRoute({
  method: 'get',
  path: apiPaths.root,
  tags: ['service'],
  summary: 'What this service is, and links to its docs and contract',
  responses: { 200: jsonResponse('Name, version and links', rootSchema) },
});
