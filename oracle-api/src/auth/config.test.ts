import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env.js';
import { resolveAuth } from './config.js';
import { readSession, signSession } from './session.js';

const chainEnv = { RPC_URL: 'http://127.0.0.1:8545', DEVICE_REGISTRY_ADDRESS: `0x${'11'.repeat(20)}` };

describe('auth settings', () => {
  it('env: SIWE_*, CHAIN_ID, SESSION_*, ALLOWED_ORIGINS parse and refuse bad values', () => {
    const env = parseEnv({
      ...chainEnv,
      SIWE_DOMAIN: 'app.gridproof.example',
      SIWE_URI: 'https://app.gridproof.example/',
      CHAIN_ID: '84532',
      SESSION_SECRET: 's'.repeat(32),
      SESSION_SAMESITE: 'None',
      ALLOWED_ORIGINS: 'https://app.gridproof.example, http://127.0.0.1:5173',
    });
    expect(env).toMatchObject({ CHAIN_ID: 84532, SESSION_SAMESITE: 'None', ALLOWED_ORIGINS: ['https://app.gridproof.example', 'http://127.0.0.1:5173'] });
    expect(parseEnv(chainEnv)).toMatchObject({ SESSION_SAMESITE: 'Strict', ALLOWED_ORIGINS: [] });
    expect(() => parseEnv({ ...chainEnv, SESSION_SECRET: 'short' })).toThrow(/32/);
    expect(() => parseEnv({ ...chainEnv, ALLOWED_ORIGINS: 'https://app.example/path' })).toThrow(/not an origin/);
    expect(() => parseEnv({ ...chainEnv, SESSION_SAMESITE: 'strict' })).toThrow();
    expect(() => parseEnv({ ...chainEnv, STORACHA_KEY: 'MgCY…' })).toThrow(/both STORACHA_KEY and STORACHA_PROOF/);
    expect(parseEnv({ ...chainEnv, STORACHA_KEY: 'k', STORACHA_PROOF: 'p', STORACHA_SERVICE_URL: 'http://127.0.0.1:9000' })).toMatchObject({
      STORACHA_KEY: 'k',
      STORACHA_PROOF: 'p',
    });
  });

  it('resolveAuth: a short secret is refused; without one each process gets its own random secret', async () => {
    expect(() => resolveAuth({ sessionSecret: 'x'.repeat(31) })).toThrow(/32 bytes/);
    expect(() => resolveAuth({ sessionMaxAgeSeconds: 86_401 })).toThrow();
    const a = resolveAuth();
    const b = resolveAuth();
    expect(a.ephemeralSecret).toBe(true);
    expect(a.secret).toHaveLength(32);
    expect(a.secret).not.toEqual(b.secret);
    const session = { address: `0x${'ab'.repeat(20)}` as const, chainId: 1, issuedAt: 100, expiresAt: 200 };
    const cookie = signSession(a.secret, session);
    expect(readSession(a.secret, cookie, 150)).toEqual(session);
    expect(readSession(b.secret, cookie, 150)).toBeUndefined();
    expect(readSession(a.secret, cookie, 200)).toBeUndefined();
    expect(await resolveAuth({ chainId: 5 }).chainId()).toBe(5);
    expect(await a.chainId()).toBeUndefined();
    expect(resolveAuth({ siweUri: 'https://app.example/login?x=1', allowedOrigins: ['http://127.0.0.1:5173/'] })).toMatchObject({
      uriOrigin: 'https://app.example',
      allowedOrigins: ['http://127.0.0.1:5173'],
    });
  });
});
