export const docsPaths = { openapi: '/openapi.json', docs: '/docs', asset: '/docs/:asset' } as const;

/** swagger-ui-dist files /docs serves (from node_modules: works offline, no CDN). */
export const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
