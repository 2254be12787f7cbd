import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createOracleApi, type CreateOracleApiReturnType, type OracleApiConfig } from './createOracleApi.js';

export interface StartOracleApiParameters extends OracleApiConfig {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Sealer loop period; default 1000 ms; 0 disables the loop (call `sealer.sealDueWindows()` yourself). */
  sealIntervalMs?: number;
}

export interface StartOracleApiReturnType extends CreateOracleApiReturnType {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  /** Stops accepting connections, then closes the service. */
  close(): Promise<void>;
}

/**
 * Starts the oracle API: HTTP server plus the sealer loop. No side effects until called.
 * @example const api = await startOracleApi({ port: 0, dataDir: 'memory', rpcUrl, deviceRegistryAddress }); await fetch(`${api.url}/health`)
 */
export async function startOracleApi(params: StartOracleApiParameters = {}): Promise<StartOracleApiReturnType> {
  const service = await createOracleApi(params);
  const host = params.host ?? '127.0.0.1';
  let server: ReturnType<typeof serve>;
  let info: AddressInfo;
  try {
    info = await new Promise<AddressInfo>((resolve, reject) => {
      server = serve({ fetch: service.app.fetch, port: params.port ?? 8787, hostname: host }, resolve);
      server.once('error', reject);
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  const interval = params.sealIntervalMs ?? 1000;
  if (interval > 0) service.sealer.start(interval);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  service.ctx.logger.info('oracle-api listening', { url: `http://${urlHost}:${info.port}`, windowSeconds: service.ctx.rules.windowSeconds });
  return {
    ...service,
    url: `http://${urlHost}:${info.port}`,
    port: info.port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await service.close();
    },
  };
}
