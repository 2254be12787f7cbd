import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alice, bob, cookiePair, fetchNonce, postSignIn, siweMessage, signIn, TEST_CHAIN_ID, TEST_DOMAIN, TEST_URI } from '../../auth/signInForTests.js';
import { siweNonces } from '../../db/schema/index.js';
import { errorOf, useTestApi } from '../../test/fixtures.js';

const DAPP = 'http://127.0.0.1:5173';
const api = useTestApi({ auth: { siweDomain: TEST_DOMAIN, siweUri: TEST_URI, chainId: TEST_CHAIN_ID, allowedOrigins: [DAPP] } });
const now = () => api().clock.t;
const app = () => api().app;
const nonceRow = async (nonce: string) => (await api().ctx.db.select().from(siweNonces).where(eq(siweNonces.nonce, nonce)))[0];

/** Signs `message` with `signer` (default the message's own account) and posts it. */
async function verify(message: string, signer = alice, init?: RequestInit) {
  return postSignIn(app(), message, await signer.signMessage({ message }), init);
}

describe('Sign-In with Ethereum (EIP-4361)', () => {
  it('nonce: random base-62, single-use row valid for 10 minutes', async () => {
    const res = await app().request('/v1/auth/nonce', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { nonce: string; expiresAt: number };
    expect(body.nonce).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(body.expiresAt).toBe(now() + 600);
    expect(await nonceRow(body.nonce)).toMatchObject({ issuedAt: now(), expiresAt: now() + 600, usedAt: null });
    expect(await fetchNonce(app())).not.toBe(body.nonce);
  });

  it('a valid sign-in sets the session cookie; session answers; logout clears it', async () => {
    const nonce = await fetchNonce(app());
    const res = await verify(siweMessage(alice, nonce, now()));
    expect(res.status).toBe(200);
    const address = alice.address.toLowerCase();
    expect(await res.json()).toEqual({ address, chainId: TEST_CHAIN_ID, expiresAt: now() + 86_400 });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^gp_session=[\w-]+\.[\w-]+;/);
    expect(setCookie).toContain('Max-Age=86400');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure'); // plain http here
    expect(await nonceRow(nonce)).toMatchObject({ usedAt: now(), usedBy: address });

    const cookie = cookiePair(res);
    const session = await app().request('/v1/auth/session', { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ address, chainId: TEST_CHAIN_ID, expiresAt: now() + 86_400 });

    const out = await app().request('/v1/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^gp_session=; Max-Age=0;/);
    expect((await errorOf(await app().request('/v1/auth/session'), 401)).code).toBe('UNAUTHENTICATED');
  });

  it('on https the cookie is Secure; a message with an expiration time caps the session', async () => {
    const message = siweMessage(alice, await fetchNonce(app()), now(), { expirationTime: new Date((now() + 3600) * 1000) });
    const res = await postSignIn(app(), `${message}`, await alice.signMessage({ message }), {});
    expect(res.status).toBe(200);
    expect((await res.json()) as object).toMatchObject({ expiresAt: now() + 3600 });
    const https = siweMessage(alice, await fetchNonce(app()), now());
    const secure = await app().request(`https://${TEST_DOMAIN}/v1/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: https, signature: await alice.signMessage({ message: https }) }),
    });
    expect(secure.status).toBe(200);
    expect(secure.headers.get('set-cookie')).toContain('Secure');
  });

  it('a session cookie that is altered, signed with another secret or past its expiry is refused', async () => {
    const cookie = await signIn(app(), alice, now());
    const [name, value] = cookie.split('=');
    const [payload, tag] = value.split('.');
    const forged = Buffer.from(JSON.stringify([bob.address.toLowerCase(), TEST_CHAIN_ID, now(), now() + 86_400])).toString('base64url');
    for (const bad of [`${name}=${forged}.${tag}`, `${name}=${payload}.${tag.slice(0, -2)}AA`, `${name}=${payload}`]) {
      expect((await errorOf(await app().request('/v1/auth/session', { headers: { cookie: bad } }), 401)).code).toBe('UNAUTHENTICATED');
    }
    api().clock.t += 86_400;
    try {
      expect((await errorOf(await app().request('/v1/auth/session', { headers: { cookie } }), 401)).code).toBe('UNAUTHENTICATED');
    } finally {
      api().clock.t -= 86_400;
    }
  });

  it('refuses each bad message with its code, and a refusal consumes nothing', async () => {
    const nonce = await fetchNonce(app());
    const t = now();
    const cases: [string, number, string, object?][] = [
      [siweMessage(alice, 'NeverIssued123', t), 401, 'SIWE_NONCE_UNKNOWN'],
      [siweMessage(alice, nonce, t, { domain: 'evil.example' }), 401, 'SIWE_DOMAIN_MISMATCH'],
      [siweMessage(alice, nonce, t, { uri: 'https://evil.example/login' }), 401, 'SIWE_URI_MISMATCH'],
      [siweMessage(alice, nonce, t, { chainId: 1 }), 401, 'SIWE_CHAIN_MISMATCH', { expected: TEST_CHAIN_ID, got: 1 }],
      [siweMessage(alice, nonce, t, { expirationTime: new Date((t - 1) * 1000) }), 401, 'SIWE_EXPIRED'],
      [siweMessage(alice, nonce, t, { notBefore: new Date((t + 120) * 1000) }), 401, 'SIWE_NOT_YET_VALID'],
      [siweMessage(alice, nonce, t - 601), 401, 'SIWE_ISSUED_AT_INVALID', { reason: 'TOO_OLD' }],
      [siweMessage(alice, nonce, t + 120), 401, 'SIWE_ISSUED_AT_INVALID', { reason: 'IN_FUTURE' }],
      [siweMessage(alice, nonce, t).replace('Version: 1', 'Version: 2'), 400, 'SIWE_MALFORMED'],
      ['hello, sign me in', 400, 'SIWE_MALFORMED'],
      // Text the grammar does not allow (here after the last field): the lenient parser alone would accept it.
      [`${siweMessage(alice, nonce, t)}\n`, 400, 'SIWE_MALFORMED'],
      [siweMessage(alice, nonce, t).replace('Issued At: ', 'Issued At: 2026-13-01T00:00:00Z\nX: '), 400, 'SIWE_MALFORMED'],
    ];
    for (const [message, status, code, details] of cases) {
      const err = await errorOf(await verify(message), status);
      expect({ code: err.code, ...(details ? { details: err.details } : {}) }, message).toMatchObject({ code, ...(details ? { details } : {}) });
    }
    // A foreign signature: bob signs a message naming alice.
    const foreign = siweMessage(alice, nonce, t);
    expect((await errorOf(await postSignIn(app(), foreign, await bob.signMessage({ message: foreign })), 401)).code).toBe('SIWE_BAD_SIGNATURE');
    expect((await errorOf(await postSignIn(app(), foreign, '0x1234'), 401)).code).toBe('SIWE_BAD_SIGNATURE');
    expect((await errorOf(await postSignIn(app(), foreign, 'not hex' as never), 400)).code).toBe('MALFORMED_BODY');
    expect(
      (await errorOf(await app().request('/v1/auth/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 400)).code,
    ).toBe('MALFORMED_BODY');
    // None of it consumed the nonce: the honest message still signs in, once.
    expect(await nonceRow(nonce)).toMatchObject({ usedAt: null });
    expect((await verify(foreign)).status).toBe(200);
    expect((await errorOf(await verify(foreign), 401)).code).toBe('SIWE_NONCE_USED');
  });

  it('an expired nonce is refused even in a fresh message', async () => {
    const nonce = await fetchNonce(app());
    api().clock.t += 601;
    try {
      expect((await errorOf(await verify(siweMessage(alice, nonce, now())), 401)).code).toBe('SIWE_NONCE_EXPIRED');
    } finally {
      api().clock.t -= 601;
    }
  });

  it('two concurrent verifications of one message (two replicas): exactly one signs in', async () => {
    const message = siweMessage(alice, await fetchNonce(app()), now());
    const signature = await alice.signMessage({ message });
    const answers = await Promise.all([postSignIn(app(), message, signature), postSignIn(app(), message, signature), postSignIn(app(), message, signature)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    for (const r of answers.filter((a) => a.status === 401)) expect((await r.json()) as object).toMatchObject({ error: { code: 'SIWE_NONCE_USED' } });
  });

  it('CORS: the listed dApp origin may send the cookie; other origins get no CORS grant; reads stay public', async () => {
    const preflight = (origin: string, path = '/v1/auth/verify') =>
      app().request(path, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight(DAPP);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(DAPP);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(DAPP, '/v1/pins')).headers.get('access-control-allow-origin')).toBe(DAPP);
    const read = await app().request('/health', { headers: { origin: 'https://evil.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    expect(read.headers.get('access-control-allow-credentials')).toBeNull();
    const session = await app().request('/v1/auth/session', { headers: { origin: DAPP } });
    expect(session.headers.get('access-control-allow-origin')).toBe(DAPP);
  });
});
