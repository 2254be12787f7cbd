import { createRouter } from '../../lib/router.js';
import * as handlers from './devices.handlers.js';
import { chartRoute, deviceReadingsRoute, getDeviceRoute, latestReadingRoute, listDevicesRoute, livenessRoute } from './devices.routes.js';

/** The registry mirror and each device's readings, chart and liveness. */
export function createDevicesRouter() {
  return createRouter()
    .openapi(listDevicesRoute, handlers.list)
    .openapi(getDeviceRoute, handlers.get)
    .openapi(deviceReadingsRoute, handlers.listReadings)
    .openapi(latestReadingRoute, handlers.latest)
    .openapi(chartRoute, handlers.chart)
    .openapi(livenessRoute, handlers.liveness);
}
