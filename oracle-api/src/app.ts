import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv, ServiceContext } from './context.js';
import { ApiError } from './lib/errors.js';
import { errorHandler } from './middleware/errorHandler.js';
import { serviceContext } from './middleware/serviceContext.js';
import { createDevicesRouter } from './routes/devices/devices.index.js';
import { createDocsRouter } from './routes/docs/docs.index.js';
import { createHealthRouter } from './routes/health/health.index.js';
import { createIpfsRouter } from './routes/ipfs/ipfs.index.js';
import { createReadingsRouter } from './routes/readings/readings.index.js';
import { createWindowsRouter } from './routes/windows/windows.index.js';

/**
 * The HTTP app over a service context; shared by `startOracleApi` and the tests (`app.request()`).
 * @example const app = createApp(ctx); const res = await app.request('/health')
 */
export function createApp(ctx: ServiceContext) {
  const app = new Hono<AppEnv>();
  // Reads are public: the dApp is served from another origin (any IPFS gateway).
  app.use(cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['x-ipfs-cid', 'x-ipfs-path', 'x-ipfs-roots', 'etag'] }));
  app.use(serviceContext({ ctx }));
  app.route('/', createHealthRouter());
  app.route('/', createReadingsRouter(ctx.rules));
  app.route('/', createWindowsRouter());
  app.route('/', createDevicesRouter());
  app.route('/', createIpfsRouter());
  app.route('/', createDocsRouter());
  // The WebSocket itself is served by the HTTP server's upgrade handler (live/liveReadings.ts).
  app.get('/v1/live', () => {
    throw new ApiError(426, 'UPGRADE_REQUIRED', 'GET /v1/live is a WebSocket: connect with Upgrade: websocket, then send {"subscribe": ["XXXX_ZZZZ", …]}.');
  });
  app.notFound((c) => c.json(new ApiError(404, 'NOT_FOUND', `No endpoint ${c.req.method} ${c.req.path}.`).toBody(), 404));
  app.onError(errorHandler({ logger: ctx.logger }));
  return app;
}

export type App = ReturnType<typeof createApp>;
