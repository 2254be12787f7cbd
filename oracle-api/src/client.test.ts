import { readFile } from 'node:fs/promises';
import { GridProofError, windowDocumentCid } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRefusal, createOracleApiClient, oracleApiPaths, type OracleApiClient } from './client.js';
import { createMemoryDeviceDirectory } from './devices/deviceDirectory.js';
import type { StartOracleApiReturnType } from './startOracleApi.js';
import { keyEntry, meters, signed, startTestServer, T0, testClock } from './test/fixtures.js';

describe('oracleApiPaths', () => {
  it('fills path parameters (encoded) and drops undefined query values', () => {
    expect(oracleApiPaths.window(T0)).toBe(`/v1/windows/${T0}`);
    expect(oracleApiPaths.windowProof(T0, { deviceId: 'SOLR_0001', counter: 2 })).toBe(`/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=2`);
    expect(oracleApiPaths.windows({ status: 'all', before: undefined, limit: 5 })).toBe('/v1/windows?status=all&limit=5');
    expect(oracleApiPaths.deviceChart('SOLR_0001', { range: 'day', tz: 'Europe/Berlin' })).toBe('/v1/devices/SOLR_0001/chart?range=day&tz=Europe%2FBerlin');
    expect(oracleApiPaths.device('a/b')).toBe('/v1/devices/a%2Fb');
    expect(oracleApiPaths.block('bafy', 'raw')).toBe('/ipfs/bafy?format=raw');
    expect(oracleApiPaths.live(['SOLR_0001', 'WIND_0002'])).toBe('/v1/live?devices=SOLR_0001%2CWIND_0002');
  });

  it('the client module imports no server code at run time (browsers and bundles can load it)', async () => {
    const source = await readFile(new URL('./client.ts', import.meta.url), 'utf8');
    const runtime = [...source.matchAll(/^(?:import|export) (?!type )[^;]*? from '([^']+)';/gms)].map((m) => m[1]);
    expect(runtime.sort()).toEqual(['./routes/paths.js', '@gridproof/protocol']);
    const paths = await readFile(new URL('./routes/paths.ts', import.meta.url), 'utf8');
    expect(paths).not.toMatch(/^import /m);
  });
});

describe('createOracleApiClient against a real server', () => {
  const clock = testClock(T0 + 100);
  const devices = createMemoryDeviceDirectory({ [meters.solar.deviceId]: keyEntry(meters.solar), [meters.wind.deviceId]: keyEntry(meters.wind) });
  let server: StartOracleApiReturnType;
  let api: OracleApiClient;
  beforeAll(async () => {
    server = await startTestServer({ devices, clock });
    api = createOracleApiClient({ baseUrl: `${server.url}/` });
  });
  afterAll(() => server?.close());

  it('posts readings (bytes or hex) and reads them back', async () => {
    const s1 = signed(meters.solar, 1, T0 + 10);
    const s2 = signed(meters.solar, 2, T0 + 20);
    expect(await api.postReadings([s1, s2])).toEqual({
      accepted: 2,
      duplicates: 0,
      readings: [
        { deviceId: 'SOLR_0001', counter: 1, windowStart: T0, duplicate: false },
        { deviceId: 'SOLR_0001', counter: 2, windowStart: T0, duplicate: false },
      ],
    });
    expect((await api.latestReading('SOLR_0001')).counter).toBe(2);
    expect((await api.listDeviceReadings('SOLR_0001', { limit: 1 })).nextCursor).toBe(2);
    expect((await api.getDevice('SOLR_0001')).lastSeen).toBe(T0 + 20);
    expect((await api.listDevices()).total).toBe(2);
    expect((await api.liveness('SOLR_0001')).lastCounter).toBe(2);
    expect((await api.chart('SOLR_0001', { range: 'hour', end: T0 })).energyWh).toBe(25);
    expect(await api.info()).toMatchObject({ links: { docs: '/docs', openapi: '/openapi.json' } });
    expect((await api.health()).status).toBe('ok');
  });

  it('a refusal throws ApiRefusal with the typed code, status and details', async () => {
    const bad = signed(meters.solar, 3, T0 + 30);
    bad[100] ^= 1;
    const err = await api.postReadings([signed(meters.wind, 1, T0 + 5), bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRefusal);
    expect(err).toBeInstanceOf(GridProofError);
    expect(err).toMatchObject({ name: 'ApiRefusal', status: 422, code: 'BAD_SIGNATURE', details: { index: 1 }, body: { error: { code: 'BAD_SIGNATURE' } } });
    await expect(api.getWindow(T0)).rejects.toMatchObject({ status: 409, code: 'WINDOW_NOT_SEALED' });
  });

  it('reads sealed windows, their document bytes, proofs and blocks', async () => {
    clock.t = T0 + 305;
    await server.sealer.sealDueWindows();
    const { windows } = await api.listWindows({ status: 'all' });
    expect(windows).toMatchObject([{ windowStart: T0, status: 'sealed', readingCount: 2 }]);
    const summary = await api.getWindow(T0);
    const document = await api.getWindowDocument(T0);
    expect(document.cid).toBe(summary.cid);
    expect(windowDocumentCid(document.bytes).toString()).toBe(summary.cid);
    expect(await api.getBlock(document.cid)).toEqual(document.bytes);
    expect((await api.getReadingProof(T0, { deviceId: 'SOLR_0001', counter: 1 })).windowRoot).toBe(summary.root);
    await expect(api.getReadingProof(T0, { deviceId: 'SOLR_0001', counter: 7 })).rejects.toMatchObject({ status: 404, code: 'READING_NOT_IN_WINDOW' });
  });

  it('no answer is API_UNREACHABLE (status 0); an answer without a known code is UNEXPECTED_RESPONSE', async () => {
    const down = createOracleApiClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(down.listWindows()).rejects.toMatchObject({ name: 'ApiRefusal', status: 0, code: 'API_UNREACHABLE' });
    const odd = createOracleApiClient({
      baseUrl: 'http://x',
      fetch: async () => new Response(JSON.stringify({ error: { code: 'TEAPOT', message: 'short and stout' } }), { status: 418 }),
    });
    await expect(odd.getDevice('SOLR_0001')).rejects.toMatchObject({
      status: 418,
      code: 'UNEXPECTED_RESPONSE',
      details: { code: 'TEAPOT' },
      body: { error: { code: 'TEAPOT' } },
    });
  });
});
