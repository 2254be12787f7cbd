import { apiCors } from './auth/cors.js';
import type { ServiceContext } from './context.js';
import { ApiError } from './lib/errors.js';
import { createRouter } from './lib/router.js';
import { errorHandler } from './middleware/errorHandler.js';
import { serviceContext } from './middleware/serviceContext.js';
import { SERVICE_INFO } from './routes/root/root.index.js';
import { createDevicesRouter } from './routes/devices/devices.index.js';
import { createDocsRouter } from './routes/docs/docs.index.js';
import { createHealthRouter } from './routes/health/health.index.js';
import { createIpfsRouter } from './routes/ipfs/ipfs.index.js';
import { createLiveRouter } from './routes/live/live.index.js';
import { createAuthRouter } from './routes/auth/auth.index.js';
import { createPinsRouter } from './routes/pins/pins.index.js';
import { createReadingsRouter } from './routes/readings/readings.index.js';
import { createRootRouter } from './routes/root/root.index.js';
import { createWindowsRouter } from './routes/windows/windows.index.js';

/** The OpenAPI document's header; the paths come from the route declarations. */
const DOCUMENT_INFO = {
  openapi: '3.1.0',
  info: {
    title: SERVICE_INFO.name,
    version: SERVICE_INFO.version ?? '0.0.0',
    description:
      'Signed meter readings in, sealed UTC windows out. MQTT ingest: publish 107-byte signed readings (QoS 1) to ' +
      'gridproof/v1/devices/{deviceId}/readings; refusals arrive on gridproof/v1/devices/{deviceId}/errors.',
  },
};

/**
 * The HTTP app over a service context; shared by `startOracleApi` and the tests (`app.request()`).
 * Every route is declared with `createRoute` (request, every response, examples); `/openapi.json`
 * is generated from those declarations.
 * @example const app = createApp(ctx); const res = await app.request('/health')
 */
export function createApp(ctx: ServiceContext) {
  const api = createRouter()
    .route('/', createRootRouter())
    .route('/', createHealthRouter())
    .route('/', createReadingsRouter(ctx.rules))
    .route('/', createLiveRouter())
    .route('/', createWindowsRouter())
    .route('/', createDevicesRouter())
    .route('/', createIpfsRouter())
    .route('/', createAuthRouter())
    .route('/', createPinsRouter());
  const app = createRouter();
  // Reads are public: the dApp is served from another origin (any IPFS gateway). Session routes: ALLOWED_ORIGINS, with credentials.
  app.use(apiCors({ allowedOrigins: ctx.auth.allowedOrigins }));
  app.use(serviceContext({ ctx }));
  const routed = app.route('/', api).route(
    '/',
    createDocsRouter(() => app.getOpenAPI31Document(DOCUMENT_INFO) as unknown as Record<string, unknown>),
  );
  app.notFound((c) => c.json(new ApiError(404, 'NOT_FOUND', `No endpoint ${c.req.method} ${c.req.path}.`).toBody(), 404));
  app.onError(errorHandler({ logger: ctx.logger }));
  return routed;
}

/** The app, typed with every route's request and responses (for `hc<App>` and the typed client). */
export type App = ReturnType<typeof createApp>;
