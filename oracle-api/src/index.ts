/**
 * @module @gridproof/oracle-api — importing has no side effects; `src/main.ts` starts the service from env.
 */
export { startOracleApi, type StartOracleApiParameters, type StartOracleApiReturnType } from './startOracleApi.js';
export { createOracleApi, DEFAULT_DATA_DIR, type OracleApiConfig, type CreateOracleApiReturnType } from './createOracleApi.js';
export { createApp, type App } from './app.js';
export type { AppEnv, BlockStore, OracleApiRules, ServiceContext } from './context.js';
export { createMemoryDeviceDirectory, type DeviceDirectory, type DeviceEntry, type MemoryDeviceDirectory } from './devices/deviceDirectory.js';
export { createChainDeviceDirectory, type ChainDeviceDirectory, type CreateChainDeviceDirectoryParameters } from './devices/chainDeviceDirectory.js';
export { systemClock, type Clock } from './lib/clock.js';
export { ApiError, type ErrorBody } from './lib/errors.js';
export { jsonLogger, silentLogger, type Logger } from './lib/logger.js';
export type { Sealer } from './services/sealWindows.js';
export type { IngestReadingsReturnType, IngestedReading } from './services/ingestReadings.js';
export type * from './openapi/schemas.js';
export { apiPaths, MAX_BATCH } from './routes/paths.js';
