import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertWindowSeconds } from '@gridproof/protocol';
import { FsBlockstore } from 'blockstore-fs';
import { ne } from 'drizzle-orm';
import type { Address } from 'viem';
import { createApp, type App } from './app.js';
import { type AuthConfig, resolveAuth } from './auth/config.js';
import type { BlockStore, OracleApiRules, ServiceContext, ServiceEvents } from './context.js';
import { openDatabase } from './db/client.js';
import { applyMigrations } from './db/migrations.js';
import { windows } from './db/schema/index.js';
import { createChainDeviceDirectory } from './devices/chainDeviceDirectory.js';
import type { DeviceDirectory } from './devices/deviceDirectory.js';
import { systemClock, type Clock } from './lib/clock.js';
import { jsonLogger, type Logger } from './lib/logger.js';
import { createMutex } from './lib/mutex.js';
import { createSealer, type Sealer } from './services/sealWindows.js';
import { createAnchorWatcher, type AnchorWatcher } from './services/anchorWatcher.js';
import type { RemotePinner } from './services/pinning.js';
import { createVerifyPool } from './services/verifyPool.js';
import { createPublicClient, http } from 'viem';
import { MAX_BATCH } from './routes/paths.js';

/** oracle-api/.data: the default home of the PGlite database and the blockstore. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.data', import.meta.url));

export interface OracleApiConfig {
  /** Directory for PGlite (`<dir>/pglite`) and the blockstore (`<dir>/blocks`); `'memory'` for an in-memory database and a temporary blockstore. Default oracle-api/.data. */
  dataDir?: string;
  /** postgres://… — keep readings and windows in this PostgreSQL database instead of PGlite (the blockstore stays in `dataDir`). */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables and the migration journal (created if missing); default public. */
  databaseSchema?: string;
  /** Default 300; must divide 3600. */
  windowSeconds?: number;
  /** Default 5. */
  sealGraceSeconds?: number;
  /** Default 30. */
  maxClockSkewSeconds?: number;
  /** Most readings in one POST; default {@link MAX_BATCH} (500). */
  maxBatch?: number;
  /** Default: room for `maxBatch` readings as JSON hex plus 4 KiB. */
  maxBodyBytes?: number;
  /** Unix-seconds clock; default the system clock. */
  clock?: Clock;
  /** Device keys; default the chain's DeviceRegistry at `deviceRegistryAddress` through `rpcUrl`. */
  devices?: DeviceDirectory;
  rpcUrl?: string;
  deviceRegistryAddress?: Address;
  /** DataLogger address; with `rpcUrl`, sealed windows are checked for anchoring (`isRecorded`). Without it anchoring is reported as unknown. */
  dataLoggerAddress?: Address;
  logger?: Logger;
  /** Worker threads for P-256 verification of large batches; default cores − 1 (at least 1); 0 = verify on the main thread. */
  verifyThreads?: number;
  /** Sign-In with Ethereum and sessions (SIWE_DOMAIN, SIWE_URI, CHAIN_ID, SESSION_SECRET, ALLOWED_ORIGINS); signatures and the chain id go through `rpcUrl`. */
  auth?: AuthConfig;
  /** Also pin POST /v1/pins bytes there (e.g. Storacha). */
  remotePinner?: RemotePinner;
}

export interface CreateOracleApiReturnType {
  app: App;
  ctx: ServiceContext;
  sealer: Sealer;
  /** Marks sealed windows the DataLogger recorded; undefined without `dataLoggerAddress`. */
  anchors?: AnchorWatcher;
  /** Stops the sealer loop, closes the database, removes a temporary blockstore. */
  close(): Promise<void>;
}

/** `"0x" + 214 hex chars`, quotes and a comma per reading. */
const JSON_BYTES_PER_READING = 2 + 214 + 3;

/**
 * Builds the service without listening: opens and migrates the database, opens the
 * blockstore, wires the device directory, sealer and HTTP app. Tests use this with
 * `app.request()`; `startOracleApi` adds the HTTP server and the sealer loop.
 * @example const api = await createOracleApi({ dataDir: 'memory', devices, clock }); await api.app.request('/health')
 */
export async function createOracleApi(config: OracleApiConfig = {}): Promise<CreateOracleApiReturnType> {
  const maxBatch = config.maxBatch ?? MAX_BATCH;
  const rules: OracleApiRules = {
    windowSeconds: config.windowSeconds ?? 300,
    sealGraceSeconds: config.sealGraceSeconds ?? 5,
    maxClockSkewSeconds: config.maxClockSkewSeconds ?? 30,
    maxBatch,
    maxBodyBytes: config.maxBodyBytes ?? maxBatch * JSON_BYTES_PER_READING + 4096,
  };
  assertWindowSeconds(rules.windowSeconds);
  const devices = config.devices ?? chainDirectory(config);
  const memory = config.dataDir === 'memory';
  const dataDir = memory ? undefined : (config.dataDir ?? DEFAULT_DATA_DIR);
  const blocksDir = memory ? await mkdtemp(join(tmpdir(), 'gridproof-blocks-')) : join(dataDir as string, 'blocks');

  const database = await openDatabase({ dataDir: dataDir && join(dataDir, 'pglite'), databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema });
  try {
    await applyMigrations(database);
    // Window starts in the database are aligned to the length they were sealed with.
    const [other] = await database.db.select().from(windows).where(ne(windows.windowSeconds, rules.windowSeconds)).limit(1);
    if (other) {
      throw new Error(
        `Data in ${config.databaseUrl ? 'the database' : dataDir} was sealed with ${other.windowSeconds} s windows; WINDOW_SECONDS=${rules.windowSeconds} would mix lengths.`,
      );
    }
  } catch (err) {
    await database.close();
    throw err;
  }
  const blocks = new FsBlockstore(blocksDir);
  await blocks.open();

  const ctx: ServiceContext = {
    db: database.db,
    blocks: blocks as unknown as BlockStore,
    devices,
    clock: config.clock ?? systemClock,
    rules,
    lock: createMutex(),
    logger: config.logger ?? jsonLogger,
    verifier: createVerifyPool(config.verifyThreads ?? Math.max(1, availableParallelism() - 1)),
    events: new EventEmitter<ServiceEvents>(),
    anchoring: 'unknown',
    auth: resolveAuth(
      config.auth,
      config.rpcUrl ? createPublicClient({ transport: http(config.rpcUrl, { timeout: 5000 }) }) : undefined,
      rules.maxClockSkewSeconds,
    ),
    remotePinner: config.remotePinner,
    status: {
      async database() {
        try {
          await database.ping();
          return { status: 'ok', kind: database.kind };
        } catch (err) {
          return { status: 'down', kind: database.kind, error: (err as Error).message };
        }
      },
    },
  };
  // Live sockets and MQTT each add a listener; more than ten is normal, not a leak.
  ctx.events.setMaxListeners(0);
  const sealer = createSealer(ctx);
  const anchors =
    config.dataLoggerAddress && config.rpcUrl ? createAnchorWatcher(ctx, { address: config.dataLoggerAddress, rpcUrl: config.rpcUrl }) : undefined;
  ctx.anchoring = anchors ? 'watched' : 'unknown';
  if (config.rpcUrl) {
    const chain = createPublicClient({ transport: http(config.rpcUrl, { timeout: 2000, retryCount: 0 }) });
    ctx.status.chain = async () => {
      try {
        return { status: 'ok', blockNumber: Number(await chain.getBlockNumber({ cacheTime: 0 })), anchoring: ctx.anchoring };
      } catch (err) {
        return { status: 'down', error: (err as Error).message.split('\n')[0], anchoring: ctx.anchoring };
      }
    };
  }
  let closed = false;
  return {
    app: createApp(ctx),
    ctx,
    sealer,
    anchors,
    async close() {
      if (closed) return;
      closed = true;
      await sealer.stop();
      await anchors?.stop();
      // Wait for in-flight ingest or sealing before closing the database under it.
      await ctx.lock.run(async () => {
        await database.close();
        await blocks.close();
        await ctx.verifier.close();
        if (memory) await rm(blocksDir, { recursive: true, force: true });
      });
    },
  };
}

function chainDirectory(config: OracleApiConfig): DeviceDirectory {
  if (!config.rpcUrl || !config.deviceRegistryAddress) {
    throw new Error('oracle-api needs either `devices` or both `rpcUrl` and `deviceRegistryAddress` (the DeviceRegistry to read keys from).');
  }
  return createChainDeviceDirectory({ rpcUrl: config.rpcUrl, address: config.deviceRegistryAddress });
}
