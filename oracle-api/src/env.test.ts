import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

const base = { RPC_URL: 'http://127.0.0.1:8545', DEVICE_REGISTRY_ADDRESS: `0x${'ab'.repeat(20)}` };

describe('env', () => {
  it('applies the documented defaults', () => {
    expect(parseEnv(base)).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      WINDOW_SECONDS: 300,
      SEAL_GRACE_SECONDS: 5,
      MAX_CLOCK_SKEW_SECONDS: 30,
      MAX_BATCH: 500,
    });
    expect(parseEnv({ ...base, DATA_DIR: 'memory', WINDOW_SECONDS: '60' })).toMatchObject({ DATA_DIR: 'memory', WINDOW_SECONDS: 60 });
    expect(
      parseEnv({ ...base, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gridproof', MQTT_URL: 'mqtt://127.0.0.1:1883', MQTT_PORT: 'off' }),
    ).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gridproof',
      MQTT_URL: 'mqtt://127.0.0.1:1883',
      MQTT_PORT: 'off',
    });
    expect(parseEnv(base).MQTT_PORT).toBe(0);
  });

  it.each([
    ['a window length that does not divide an hour', { WINDOW_SECONDS: '7' }],
    ['a bad registry address', { DEVICE_REGISTRY_ADDRESS: '0x1234' }],
    ['no RPC URL', { RPC_URL: undefined }],
    ['a port out of range', { PORT: '70000' }],
    ['a DATABASE_URL that is not postgres://', { DATABASE_URL: 'mysql://127.0.0.1/x' }],
    ['a DATABASE_SCHEMA that is not an identifier', { DATABASE_SCHEMA: 'a; drop table readings' }],
    ['an MQTT_URL that is not mqtt://', { MQTT_URL: 'http://127.0.0.1:1883' }],
    ['an MQTT_PORT that is neither a port nor off', { MQTT_PORT: 'on' }],
    ['a bad DATA_LOGGER_ADDRESS', { DATA_LOGGER_ADDRESS: '0x12' }],
  ])('rejects %s', (_name, patch) => {
    expect(() => parseEnv({ ...base, ...patch })).toThrow();
  });

  it('main exits 1 at boot with the reason when the environment is invalid', () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const run = spawnSync(tsx, [main], { env: { PATH: process.env.PATH, WINDOW_SECONDS: '7' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/WINDOW_SECONDS: must divide 3600/);
    expect(run.stderr).toMatch(/RPC_URL/);
  });
});
