import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createOracleApi, type CreateOracleApiReturnType, type OracleApiConfig } from './createOracleApi.js';
import { attachLiveReadings, type LiveReadings } from './live/liveReadings.js';
import { startMqttIngest, type MqttIngest, type MqttIngestOptions } from './mqtt/mqttIngest.js';

export interface StartOracleApiParameters extends OracleApiConfig {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Sealer loop period; default 1000 ms; 0 disables the loop (call `sealer.sealDueWindows()` yourself). */
  sealIntervalMs?: number;
  /** How often sealed windows are checked against the DataLogger; default 5000 ms (runs only with the sealer loop). */
  anchorIntervalMs?: number;
  /** MQTT ingest: default an embedded broker on a free port of `host`; `{ url }` for an external broker; `false` for none. */
  mqtt?: MqttIngestOptions | false;
}

export interface StartOracleApiReturnType extends CreateOracleApiReturnType {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  /** MQTT ingest (undefined when disabled); `mqtt.url` is where meters publish. */
  mqtt?: MqttIngest;
  /** The /v1/live WebSocket endpoint. */
  live: LiveReadings;
  /** Stops accepting connections, then closes the service. */
  close(): Promise<void>;
}

/**
 * Starts the oracle API: HTTP server with the /v1/live WebSocket, MQTT ingest and the sealer loop. No side effects until called.
 * @example const api = await startOracleApi({ port: 0, dataDir: 'memory', rpcUrl, deviceRegistryAddress }); await fetch(`${api.url}/health`)
 */
export async function startOracleApi(params: StartOracleApiParameters = {}): Promise<StartOracleApiReturnType> {
  const service = await createOracleApi(params);
  const host = params.host ?? '127.0.0.1';
  let server: ReturnType<typeof serve> | undefined;
  let info: AddressInfo;
  let mqtt: MqttIngest | undefined;
  try {
    info = await new Promise<AddressInfo>((resolve, reject) => {
      server = serve({ fetch: service.app.fetch, port: params.port ?? 8787, hostname: host }, resolve);
      server.once('error', reject);
    });
    if (params.mqtt !== false) {
      mqtt = await startMqttIngest(service.ctx, { host, ...(params.mqtt ?? {}) });
      const broker = mqtt;
      service.ctx.status.broker = () => broker.state();
    }
  } catch (err) {
    await closeServer(server);
    await service.close();
    throw err;
  }
  const live = attachLiveReadings(server as unknown as Server, service.ctx);
  const interval = params.sealIntervalMs ?? 1000;
  if (interval > 0) service.sealer.start(interval);
  if (interval > 0) service.anchors?.start(params.anchorIntervalMs ?? 5000);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  service.ctx.logger.info('oracle-api listening', {
    url: `http://${urlHost}:${info.port}`,
    mqttUrl: mqtt?.url ?? null,
    windowSeconds: service.ctx.rules.windowSeconds,
  });
  return {
    ...service,
    url: `http://${urlHost}:${info.port}`,
    port: info.port,
    mqtt,
    live,
    async close() {
      await live.close();
      await mqtt?.close();
      await closeServer(server);
      await service.close();
    },
  };
}

async function closeServer(server: ReturnType<typeof serve> | undefined): Promise<void> {
  if (!server?.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
