import { createRequire } from 'node:module';
import { createRouter } from '../../lib/router.js';
import type { ServiceInfo } from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';
import { rootRoute } from './root.routes.js';

/** The service's name and version (from oracle-api/package.json). */
export const SERVICE_INFO: ServiceInfo = {
  name: 'GridProof oracle API',
  version: (createRequire(import.meta.url)('../../../package.json') as { version: string }).version,
  links: { docs: apiPaths.docs, openapi: apiPaths.openapi },
};

/** GET /: where to start reading. */
export function createRootRouter() {
  return createRouter().openapi(rootRoute, (c) => c.json(SERVICE_INFO, 200));
}
