import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR, DevnetEnvError, parseDevnetEnv } from '../src/env.js';

const DEVNET = fileURLToPath(new URL('..', import.meta.url));

/** Runs the `npm start` entry with `env` added; it must refuse before starting anything. */
function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: DEVNET, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('devnet environment', () => {
  it('defaults: CRE oracle, gateway meters, ports 8545/8787/5173, 60 s windows, data in .devnet', () => {
    expect(parseDevnetEnv({})).toEqual({
      WINDOW_SECONDS: 60,
      FLEET_SIZE: 20,
      ANVIL_PORT: 8545,
      API_PORT: 8787,
      DAPP_PORT: 5173,
      DATA_DIR: DEFAULT_DATA_DIR,
      ORACLE: 'cre',
      METER_PATH: 'gateway-mqtt',
    });
  });

  it('takes valid values, and 0 as "any free port"', () => {
    const env = parseDevnetEnv({ ORACLE: 'functions', API_PORT: '0', WINDOW_SECONDS: '300', METER_PATH: 'http', DATA_DIR: '/tmp/x' });
    expect(env).toMatchObject({ ORACLE: 'functions', API_PORT: 0, WINDOW_SECONDS: 300, METER_PATH: 'http', DATA_DIR: '/tmp/x' });
  });

  it.each([
    ['ORACLE', 'chainlink', 'must be "cre" or "functions"'],
    ['API_PORT', '70000', 'must be a port from 0'],
    ['ANVIL_PORT', 'eighty', 'must be a port number'],
    ['DAPP_PORT', '-1', 'must be a port from 0'],
    ['WINDOW_SECONDS', '7', 'must divide 3600'],
    ['WINDOW_SECONDS', '0', 'must be positive'],
    ['METER_PATH', 'lora', 'must be "gateway-mqtt" or "http"'],
  ])('refuses %s=%s, naming the variable', (variable, value, problem) => {
    let err: unknown;
    try {
      parseDevnetEnv({ [variable]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DevnetEnvError);
    expect((err as DevnetEnvError).code).toBe('DEVNET_ENV_INVALID');
    expect((err as DevnetEnvError).variable).toBe(variable);
    expect((err as DevnetEnvError).shortMessage.startsWith(`${variable}=${JSON.stringify(value)} ${problem}`)).toBe(true);
  });

  it.each([
    ['ORACLE', 'chainlink'],
    ['API_PORT', '99999'],
    ['WINDOW_SECONDS', '7'],
  ])('`npm start` with %s=%s prints one line naming it and exits non-zero', (variable, value) => {
    const run = startWith({ [variable]: value });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^devnet: invalid environment: ${variable}="${value}" `));
    expect(run.stdout).not.toContain('GridProof devnet is up');
  });
});
