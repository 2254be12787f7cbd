/**
 * The dApp's Sign-In with Ethereum and pinning against the real oracle API (in process, in-memory PGlite), its
 * session cookie carried by a small cookie jar the way a browser carries it.
 */
import { ApiRefusal } from '@gridproof/oracle-api/client';
import { createMemoryDeviceDirectory, createOracleApi, silentLogger, type CreateOracleApiReturnType } from '@gridproof/oracle-api';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_KEYS } from '@gridproof/test-support';
import { emptyProfileForm, openProfile, profileFromForm, sealProfile } from '../src/lib/company.js';
import { CidMismatchError } from '../src/lib/errors.js';
import { createSessionApi, ensureSession, signInMessage } from '../src/lib/session.js';

const API = 'http://api.gridproof.test';
const PAGE = new URL('http://app.gridproof.test/ipfs/bafyapp/index.html?x=1#/company');
const account = privateKeyToAccount(ANVIL_KEYS.deployer);
let api: CreateOracleApiReturnType;

beforeAll(async () => {
  api = await createOracleApi({
    dataDir: 'memory',
    devices: createMemoryDeviceDirectory(),
    verifyThreads: 0,
    logger: silentLogger,
    auth: { siweDomain: PAGE.host, chainId: 31337, allowedOrigins: [PAGE.origin] },
  });
});
afterAll(() => api?.close());

/** fetch into the in-process API, keeping its session cookie like a browser (one jar per "browser"). */
function browserFetch(rewrite?: (path: string, body: unknown) => unknown): typeof fetch {
  let cookie = '';
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    expect(url.origin).toBe(API);
    expect(init.credentials).toBe('include');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await api.app.request(`${url.pathname}${url.search}`, { ...init, headers });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0].endsWith('=') ? '' : set.split(';')[0];
    if (!rewrite) return res;
    const body = await res.json();
    return new Response(JSON.stringify(rewrite(url.pathname, body)), { status: res.status, headers: res.headers });
  }) as typeof fetch;
}

const sign = (message: string) => account.signMessage({ message });
const profile = profileFromForm({
  ...emptyProfileForm(),
  name: 'Windpark Süd',
  legalForm: 'AG',
  registrationNumber: 'HRB 1',
  street: 'Deich 2',
  postalCode: '25813',
  city: 'Husum',
  country: 'DE',
  contactEmail: 'info@windpark.example',
  annualProductionKwh: '900000',
  annualConsumptionKwh: '1000',
  smartMeterIds: 'WIND_0001',
});

describe('session and pins against the oracle API', () => {
  it('signs in once (the page host as SIWE domain), reuses the session, pins a profile whose CID it checks, logs out', async () => {
    const session = createSessionApi(`${API}/`, browserFetch());
    expect(await session.session()).toBeNull();
    await expect(session.pin(new Uint8Array([1]))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });

    const first = await ensureSession({ api: session, address: account.address, chainId: 31337, location: PAGE, sign });
    expect(first).toMatchObject({ reused: false, session: { address: account.address.toLowerCase(), chainId: 31337 } });
    const again = await ensureSession({
      api: session,
      address: account.address,
      chainId: 31337,
      location: PAGE,
      sign: () => Promise.reject(new Error('asked twice')),
    });
    expect(again.reused).toBe(true);

    const sealed = await sealProfile(profile, 'a long enough passphrase');
    expect(await session.pin(sealed.bytes)).toBe(sealed.cid);
    // What the Company page then reads back through the gateway.
    const served = await api.app.request(`/ipfs/${sealed.cid}?format=raw`);
    expect(await openProfile(sealed.cid, new Uint8Array(await served.arrayBuffer()), 'a long enough passphrase')).toEqual(profile);

    await session.logout();
    expect(await session.session()).toBeNull();
  });

  it('the message names the page: host as domain, origin and path as URI, checksummed address', () => {
    const text = signInMessage({
      address: account.address.toLowerCase() as `0x${string}`,
      chainId: 31337,
      nonce: 'abcdefgh12345678',
      location: PAGE,
      issuedAt: new Date(0),
    });
    expect(text.split('\n')[0]).toBe('app.gridproof.test wants you to sign in with your Ethereum account:');
    expect(text).toContain(`\n${account.address}\n`);
    expect(text).toContain('\nURI: http://app.gridproof.test/ipfs/bafyapp/index.html\n');
    expect(text).toContain('\nChain ID: 31337\n');
  });

  it('a page on another host is refused by the API (SIWE_DOMAIN_MISMATCH); an API answering another CID is caught', async () => {
    const session = createSessionApi(API, browserFetch());
    const elsewhere = new URL('http://evil.example/');
    const refused = await ensureSession({ api: session, address: account.address, chainId: 31337, location: elsewhere, sign }).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiRefusal);
    expect(refused).toMatchObject({ code: 'SIWE_DOMAIN_MISMATCH', status: 401 });

    const lying = createSessionApi(
      API,
      browserFetch((path, body) => (path === '/v1/pins' ? { ...(body as object), cid: 'bagaaierafake' } : body)),
    );
    await ensureSession({ api: lying, address: account.address, chainId: 31337, location: PAGE, sign });
    const sealed = await sealProfile(profile, 'a long enough passphrase');
    await expect(lying.pin(sealed.bytes)).rejects.toBeInstanceOf(CidMismatchError);
  });
});
