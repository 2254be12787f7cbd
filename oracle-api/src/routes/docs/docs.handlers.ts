import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.js';
import { DOCS_ASSETS, type docsAssetRoute, type docsRoute } from './docs.routes.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GridProof oracle API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', validatorUrl: null });</script>
</body></html>`;

/** GET /docs — Swagger UI over /openapi.json, every asset served from here. */
export const docs: RouteHandler<typeof docsRoute, AppEnv> = (c) => c.html(PAGE);

/** GET /docs/{asset} — the few swagger-ui-dist files the page loads (anything else is refused by the route's enum). */
export const asset: RouteHandler<typeof docsAssetRoute, AppEnv> = async (c) => {
  const name = c.req.valid('param').asset;
  const bytes = await readFile(join(SWAGGER_DIR, name));
  return c.body(bytes, 200, { 'content-type': DOCS_ASSETS[name], 'cache-control': 'public, max-age=86400' });
};
