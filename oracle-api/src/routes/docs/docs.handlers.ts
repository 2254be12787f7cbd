import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../lib/errors.js';
import { buildOpenApiDocument } from '../../openapi/document.js';
import { DOCS_ASSETS } from './docs.routes.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

/** GET /openapi.json — OpenAPI 3.1, generated from the route schemas once. */
export function openapi(c: Context<AppEnv>) {
  document ??= buildOpenApiDocument();
  return c.json(document);
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GridProof oracle API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', validatorUrl: null });</script>
</body></html>`;

/** GET /docs — Swagger UI over /openapi.json, every asset served from here. */
export function docs(c: Context<AppEnv>) {
  return c.html(PAGE);
}

/** GET /docs/:asset — the few swagger-ui-dist files the page loads. */
export async function asset(c: Context<AppEnv>) {
  const name = c.req.param('asset') ?? '';
  const type = DOCS_ASSETS[name];
  if (!type) throw new ApiError(404, 'NOT_FOUND', `No docs asset ${name.slice(0, 100)}.`);
  const bytes = await readFile(join(SWAGGER_DIR, name));
  return c.body(bytes, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
}
