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
  });

  it.each([
    ['a window length that does not divide an hour', { WINDOW_SECONDS: '7' }],
    ['a bad registry address', { DEVICE_REGISTRY_ADDRESS: '0x1234' }],
    ['no RPC URL', { RPC_URL: undefined }],
    ['a port out of range', { PORT: '70000' }],
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
