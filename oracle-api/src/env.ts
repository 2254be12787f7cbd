import { isWindowSeconds } from '@gridproof/protocol';
import { z } from 'zod';
import { DEFAULT_DATA_DIR } from './createOracleApi.js';
import { MAX_BATCH } from './routes/paths.js';

const uint = z.coerce.number().int().min(0);

/** The service's environment; every variable has a default except the chain ones. */
export const envSchema = z
  .object({
    PORT: uint.max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** PGlite + blockstore directory, or `memory`. */
    DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
    /** postgres://… — PostgreSQL instead of PGlite (blocks stay in DATA_DIR; DATA_DIR=memory gives a temporary blockstore). */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    /** PostgreSQL schema for the tables; default public. */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
    /** External MQTT broker (mqtt:// or mqtts://); unset = embedded broker on MQTT_PORT. */
    MQTT_URL: z.url({ protocol: /^mqtts?$/, error: 'must be an mqtt:// or mqtts:// URL' }).optional(),
    /** Embedded broker port (0 = a free one); `off` disables MQTT ingest. */
    MQTT_PORT: z.union([z.literal('off'), uint.max(65535)]).default(0),
    /** DataLogger address: lets the API tell anchored windows from pending ones. */
    DATA_LOGGER_ADDRESS: (z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address') as z.ZodType<`0x${string}`>).optional(),
    RPC_URL: z.url(),
    DEVICE_REGISTRY_ADDRESS: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address') as z.ZodType<`0x${string}`>,
    WINDOW_SECONDS: uint.positive().refine(isWindowSeconds, 'must divide 3600').default(300),
    SEAL_GRACE_SECONDS: uint.default(5),
    MAX_CLOCK_SKEW_SECONDS: uint.default(30),
    MAX_BATCH: uint.positive().default(MAX_BATCH),
    /** Sign-In with Ethereum: the domain messages must name (default: the request's Host). */
    SIWE_DOMAIN: z.string().min(1).optional(),
    /** The origin a message's URI must have (default: on SIWE_DOMAIN / the Host). */
    SIWE_URI: z.url().optional(),
    /** The chain messages must name (default: read once from RPC_URL). */
    CHAIN_ID: uint.positive().optional(),
    /** HMAC key of the session cookie, ≥ 32 bytes; default random per process: set it when replicas share sessions. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
    /** Strict (default) when dApp and API share a site; None (implies Secure, needs https) when they do not. */
    SESSION_SAMESITE: z.enum(['Strict', 'Lax', 'None']).default('Strict'),
    /** Comma-separated origins that may call /v1/auth/* and /v1/pins with the cookie (e.g. http://127.0.0.1:5173). */
    ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((v, c) => {
        const origins = (v ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        for (const o of origins) {
          if (!URL.canParse(o) || new URL(o).origin !== o) c.addIssue({ code: 'custom', message: `${o} is not an origin (scheme://host[:port])` });
        }
        return origins;
      }),
    /** Storacha pinning for POST /v1/pins: the agent's Ed25519 key (`Mg…`) and a base64 delegation of the space to it; both or neither. */
    STORACHA_KEY: z.string().min(1).optional(),
    STORACHA_PROOF: z.string().min(1).optional(),
    /** Another upload service than https://up.storacha.network (and its DID). */
    STORACHA_SERVICE_URL: z.url().optional(),
    STORACHA_SERVICE_DID: (z.string().regex(/^did:[a-z0-9]+:.+$/, 'must be a DID') as z.ZodType<`did:${string}:${string}`>).optional(),
  })
  .refine((env) => (env.STORACHA_KEY === undefined) === (env.STORACHA_PROOF === undefined), {
    message: 'set both STORACHA_KEY and STORACHA_PROOF, or neither',
    path: ['STORACHA_PROOF'],
  });

export type Env = z.infer<typeof envSchema>;

/** Parses an environment; throws a zod error listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return envSchema.parse(source);
}

/** Parses `process.env`, or prints what is wrong and exits 1 (boot-time only). */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  console.error('oracle-api: invalid environment');
  for (const issue of result.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
