import { loadEnv } from './env.js';
import { createStorachaPinner } from './services/pinningStoracha.js';
import { startOracleApi } from './startOracleApi.js';

const env = loadEnv();
const api = await startOracleApi({
  port: env.PORT,
  host: env.HOST,
  dataDir: env.DATA_DIR,
  databaseUrl: env.DATABASE_URL,
  databaseSchema: env.DATABASE_SCHEMA,
  rpcUrl: env.RPC_URL,
  deviceRegistryAddress: env.DEVICE_REGISTRY_ADDRESS,
  windowSeconds: env.WINDOW_SECONDS,
  sealGraceSeconds: env.SEAL_GRACE_SECONDS,
  maxClockSkewSeconds: env.MAX_CLOCK_SKEW_SECONDS,
  maxBatch: env.MAX_BATCH,
  dataLoggerAddress: env.DATA_LOGGER_ADDRESS,
  auth: {
    siweDomain: env.SIWE_DOMAIN,
    siweUri: env.SIWE_URI,
    chainId: env.CHAIN_ID,
    sessionSecret: env.SESSION_SECRET,
    sessionSameSite: env.SESSION_SAMESITE,
    allowedOrigins: env.ALLOWED_ORIGINS,
  },
  remotePinner:
    env.STORACHA_KEY && env.STORACHA_PROOF
      ? await createStorachaPinner({
          key: env.STORACHA_KEY,
          proof: env.STORACHA_PROOF,
          serviceUrl: env.STORACHA_SERVICE_URL ? new URL(env.STORACHA_SERVICE_URL) : undefined,
          serviceDid: env.STORACHA_SERVICE_DID,
        })
      : undefined,
  mqtt: env.MQTT_URL ? { url: env.MQTT_URL } : env.MQTT_PORT === 'off' ? false : { port: env.MQTT_PORT },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    api.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
