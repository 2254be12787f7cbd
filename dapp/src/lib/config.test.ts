import { describe, expect, it } from 'vitest';
import { loadAppConfig } from './config.js';
import { InvalidAppConfigError } from './errors.js';

const file = {
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  apiUrl: 'http://127.0.0.1:8787/',
  gatewayUrl: 'http://127.0.0.1:8787',
  deviceRegistry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  dataLogger: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
};

/** A fetch that serves one config.json and records which URL was asked for. */
function serving(body: unknown, status = 200) {
  const asked: string[] = [];
  const fetchFn = (async (url: URL | string) => {
    asked.push(String(url));
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { fetchFn, asked };
}

describe('loadAppConfig', () => {
  it('reads config.json next to index.html, also below /ipfs/<cid>/ and with a hash route', async () => {
    const { fetchFn, asked } = serving(file);
    const config = await loadAppConfig({ location: new URL('http://gw.example/ipfs/bafyapp/index.html?x=1#/window/1767225600'), fetch: fetchFn });
    expect(asked).toEqual(['http://gw.example/ipfs/bafyapp/config.json']);
    expect(config).toEqual({ ...file, apiUrl: 'http://127.0.0.1:8787' });
  });

  it('query parameters override rpc, api and gateway (before or inside the hash)', async () => {
    const { fetchFn } = serving(file);
    const config = await loadAppConfig({
      location: new URL('http://app.example/?rpc=http://rpc.example&gateway=http://gw.example/#/window/1?api=http://api.example'),
      fetch: fetchFn,
    });
    expect(config).toMatchObject({ rpcUrl: 'http://rpc.example', gatewayUrl: 'http://gw.example', apiUrl: 'http://api.example' });
    expect(config.dataLogger).toBe(file.dataLogger);
  });

  it.each([
    [{ ...file, chainId: 0 }, /chainId/],
    [{ ...file, rpcUrl: 'ftp://x' }, /rpcUrl/],
    [{ ...file, dataLogger: '0x1234' }, /dataLogger must be an address/],
    [{ ...file, deviceRegistry: '0x0000000000000000000000000000000000000000' }, /deviceRegistry is not set/],
    [{ ...file, startBlock: -1 }, /startBlock must be a non-negative integer/],
    [{ ...file, startBlock: '12' }, /startBlock must be a non-negative integer/],
    [{ ...file, companyIdentity: '0x12' }, /companyIdentity must be a non-zero address/],
    [{ ...file, installerRegistry: `0x${'0'.repeat(40)}` }, /installerRegistry must be a non-zero address/],
  ])('rejects a bad config.json with the field named (%#)', async (body, message) => {
    const { fetchFn } = serving(body);
    const load = loadAppConfig({ location: new URL('http://app.example/'), fetch: fetchFn });
    await expect(load).rejects.toThrow(InvalidAppConfigError);
    await expect(load).rejects.toThrow(message);
  });

  it('takes the identity and installer contracts when given (the Company and Installers pages need them)', async () => {
    const extra = { companyIdentity: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', installerRegistry: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9' };
    const { fetchFn } = serving({ ...file, ...extra });
    expect(await loadAppConfig({ location: new URL('http://app.example/'), fetch: fetchFn })).toMatchObject(extra);
    const without = await loadAppConfig({ location: new URL('http://app.example/'), fetch: serving(file).fetchFn });
    expect('companyIdentity' in without || 'installerRegistry' in without).toBe(false);
  });

  it('takes the deployment start block when given', async () => {
    const { fetchFn } = serving({ ...file, startBlock: 12 });
    expect((await loadAppConfig({ location: new URL('http://app.example/'), fetch: fetchFn })).startBlock).toBe(12);
  });

  it('a missing config.json names the URL it tried', async () => {
    const { fetchFn } = serving({}, 404);
    await expect(loadAppConfig({ location: new URL('http://app.example/ipfs/bafyapp/'), fetch: fetchFn })).rejects.toThrow(
      'Cannot read http://app.example/ipfs/bafyapp/config.json: HTTP 404',
    );
  });
});
