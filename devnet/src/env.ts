// `npm start`'s environment, validated once: a bad value stops the start with one line naming the variable.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { GridProofError, isWindowSeconds } from '@gridproof/protocol';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The one folder devnet writes to (git-ignored; `npm run clean -w devnet` removes it). */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.devnet');

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole port number')
    .min(0, 'must be a port from 0 (any free port) to 65535')
    .max(65_535, 'must be a port from 0 (any free port) to 65535')
    .default(fallback);

/** Every variable `npm start` reads, with its default. */
export const devnetEnvSchema = z.object({
  /** Window length, s: a positive divisor of 3600 (the DataLogger fixes it at deployment). */
  WINDOW_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .positive('must be positive')
    .refine(isWindowSeconds, 'must divide 3600 (e.g. 10, 60, 300, 3600)')
    .default(60),
  /** Simulated meters. */
  FLEET_SIZE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(20),
  ANVIL_PORT: port(8545),
  API_PORT: port(8787),
  DAPP_PORT: port(5173),
  /** Where devnet keeps its data (PGlite, blockstore, state file, workflow bundle). */
  DATA_DIR: z.string().min(1, 'must be a folder path').default(DEFAULT_DATA_DIR),
  /** Which oracle path anchors windows. */
  ORACLE: z.enum(['cre', 'functions'], { error: 'must be "cre" or "functions"' }).default('cre'),
  /** How meters reach the API. */
  METER_PATH: z.enum(['gateway-mqtt', 'http'], { error: 'must be "gateway-mqtt" or "http"' }).default('gateway-mqtt'),
});

/** The validated environment. */
export type DevnetEnv = z.infer<typeof devnetEnvSchema>;

/** A variable of `npm start`'s environment has a bad value. */
export class DevnetEnvError extends GridProofError<'DEVNET_ENV_INVALID'> {
  override name = 'DevnetEnvError' as const;
  constructor(
    readonly variable: string,
    problem: string,
    value: string | undefined,
  ) {
    super('DEVNET_ENV_INVALID', `${variable}=${JSON.stringify(value ?? '')} ${problem}.`, { details: { variable, value } });
  }
}

/**
 * Validates `env` (unset or empty variables take their defaults); throws {@link DevnetEnvError} naming the first bad variable.
 * @example parseDevnetEnv({ ORACLE: 'functions', API_PORT: '9000' }).API_PORT // 9000
 */
export function parseDevnetEnv(env: Record<string, string | undefined>): DevnetEnv {
  const input = Object.fromEntries(Object.keys(devnetEnvSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = devnetEnvSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue.path[0]);
  throw new DevnetEnvError(variable, issue.message, env[variable]);
}
