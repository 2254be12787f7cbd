/**
 * Every oracle-api HTTP path, as OpenAPI templates (`{param}`). No imports: the typed client
 * (`@gridproof/oracle-api/client`) and the route declarations share this one table.
 */
export const apiPaths = {
  root: '/',
  health: '/health',
  openapi: '/openapi.json',
  docs: '/docs',
  docsAsset: '/docs/{asset}',
  readings: '/v1/readings',
  live: '/v1/live',
  windows: '/v1/windows',
  window: '/v1/windows/{windowStart}',
  windowDocument: '/v1/windows/{windowStart}/document',
  windowProof: '/v1/windows/{windowStart}/proof',
  devices: '/v1/devices',
  device: '/v1/devices/{deviceId}',
  deviceReadings: '/v1/devices/{deviceId}/readings',
  deviceLatest: '/v1/devices/{deviceId}/latest',
  deviceChart: '/v1/devices/{deviceId}/chart',
  deviceLiveness: '/v1/devices/{deviceId}/liveness',
  block: '/ipfs/{cid}',
} as const;

/** Most readings in one `POST /v1/readings` unless the service is configured otherwise (env `MAX_BATCH`). */
export const MAX_BATCH = 500;

/** Content type of a sealed window document (canonical DAG-JSON bytes). */
export const DAG_JSON_TYPE = 'application/vnd.ipld.dag-json';
/** Content type of a raw block from the trustless gateway. */
export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw';
