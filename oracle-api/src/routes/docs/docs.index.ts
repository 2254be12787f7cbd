import type { z } from '@hono/zod-openapi';
import { createRouter } from '../../lib/router.js';
import * as handlers from './docs.handlers.js';
import { docsAssetRoute, docsRoute, type openApiDocumentSchema, openapiRoute } from './docs.routes.js';

/** /openapi.json (built once, by `document`, from the whole app's declarations), /docs and its assets. */
export function createDocsRouter(document: () => Record<string, unknown>) {
  let built: Record<string, unknown> | undefined;
  return createRouter()
    .openapi(openapiRoute, (c) => {
      built ??= document();
      return c.json(built as z.infer<typeof openApiDocumentSchema>, 200);
    })
    .openapi(docsRoute, handlers.docs)
    .openapi(docsAssetRoute, handlers.asset);
}
