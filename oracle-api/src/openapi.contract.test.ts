// The served /openapi.json is the contract: a real server on 127.0.0.1 answers real requests, and
// every answer (status, content type, body) must be one the document declares for that path and
// method. Every declared path, method and status must be produced here, so a new route or a new
// error response without a test fails this file.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { alice, bob, siweMessage } from './auth/signInForTests.js';
import { frozenDevices, windows } from './db/schema/index.js';
import type { StartOracleApiReturnType } from './startOracleApi.js';
import { hexOf, meters, signed, startTestServer, T0, testClock, testDevices } from './test/fixtures.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components?: object };

const clock = testClock();
const devices = testDevices();
let api: StartOracleApiReturnType;
let doc: Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat('binary', true);
const validators = new Map<string, ValidateFunction>();
/** "get /v1/windows 200" for every answer checked. */
const seen = new Set<string>();

/**
 * Sends a real request and checks the answer against the document: the status is declared for
 * this path and method, the content type is a declared one, and a JSON body validates against
 * its schema. Returns the response (body already read) for the test's own assertions.
 */
async function call(method: 'get' | 'post', template: string, url: string, init: RequestInit = {}) {
  const res = await fetch(`${api.url}${url}`, { method: method.toUpperCase(), ...init });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const key = `${method} ${template} ${res.status}`;
  const operation = doc.paths[template]?.[method];
  expect(operation, `${method} ${template} is not in /openapi.json`).toBeDefined();
  const declared = operation!.responses[String(res.status)];
  expect(declared, `${key} is not declared (body ${new TextDecoder().decode(bytes).slice(0, 300)})`).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  const content = declared!.content ?? {};
  expect(Object.keys(content), `${key}: content type ${type}`).toContain(type);
  let json: unknown;
  if (type === 'application/json') {
    json = JSON.parse(new TextDecoder().decode(bytes));
    let validate = validators.get(`${key} ${type}`);
    if (!validate) {
      // Component $refs (#/components/schemas/…) resolve against the document's components.
      validate = ajv.compile({ ...content[type].schema, components: doc.components });
      validators.set(`${key} ${type}`, validate);
    }
    expect(validate(json) ? [] : validate.errors, `${key}: ${JSON.stringify(json).slice(0, 300)}`).toEqual([]);
  }
  seen.add(key);
  // biome-ignore lint/suspicious/noExplicitAny: validated against the served schema just above; tests read its fields freely
  return { status: res.status, headers: res.headers, bytes, json: json as any };
}

const post = (readings: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  call('post', '/v1/readings', '/v1/readings', { headers, body: typeof readings === 'string' ? readings : JSON.stringify({ readings }) });

beforeAll(async () => {
  api = await startTestServer({ devices, clock, auth: { chainId: 31337 } });
  const res = await fetch(`${api.url}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(() => api?.close());

describe('every route answers what /openapi.json declares', () => {
  const s1 = signed(meters.solar, 1, T0 + 10);
  const s2 = signed(meters.solar, 2, T0 + 20);
  const w1 = signed(meters.wind, 1, T0 + 30);

  it('is OpenAPI 3.1 and serves itself, its docs and GET /', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((await call('get', '/openapi.json', '/openapi.json')).json.paths).toEqual(doc.paths);
    expect((await call('get', '/', '/')).json).toMatchObject({ name: expect.any(String), links: { docs: '/docs', openapi: '/openapi.json' } });
    expect(new TextDecoder().decode((await call('get', '/docs', '/docs')).bytes)).toContain("url: '/openapi.json'");
    expect((await call('get', '/docs/{asset}', '/docs/swagger-ui.css')).bytes.length).toBeGreaterThan(100);
    expect((await call('get', '/docs/{asset}', '/docs/index.js')).json.error.code).toBe('NOT_FOUND');
  });

  it('POST /v1/readings: 200, and each refusal with its code', async () => {
    expect((await post([hexOf(s1), hexOf(s2), hexOf(w1)])).json).toMatchObject({ accepted: 3, duplicates: 0 });
    expect((await post([hexOf(s1)])).json).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await post('{"readings": [')).json.error.code).toBe('MALFORMED_BODY');
    expect((await post([])).json.error.code).toBe('EMPTY_BATCH');
    expect((await post([hexOf(s1).slice(0, -2)])).json.error.code).toBe('INVALID_READING');
    const tooMany = await post(Array(api.ctx.rules.maxBatch + 1).fill(hexOf(s1)));
    expect(tooMany).toMatchObject({ status: 413, json: { error: { code: 'BATCH_TOO_LARGE', details: { maxBatch: api.ctx.rules.maxBatch } } } });
    expect((await post([hexOf(signed(meters.solar, 2, T0 + 21))])).json.error.code).toBe('COUNTER_REPLAYED');
    expect((await post([hexOf(signed(meters.rogue, 1, T0 + 40))])).json.error.code).toBe('UNKNOWN_DEVICE');
    const list = devices.list;
    const get = devices.get;
    devices.get = async () => {
      throw new Error('registry down');
    };
    try {
      expect((await post([hexOf(signed(meters.solar, 3, T0 + 50))])).json.error.code).toBe('DEVICE_DIRECTORY_UNAVAILABLE');
    } finally {
      devices.get = get;
      devices.list = list;
    }
  });

  it('GET /v1/live: 101 with Upgrade: websocket, 426 without', async () => {
    expect((await call('get', '/v1/live', '/v1/live')).json.error.code).toBe('UPGRADE_REQUIRED');
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${api.url.replace('http', 'ws')}/v1/live?devices=SOLR_0001`);
      socket.once('upgrade', (res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => socket.close());
      socket.once('error', reject);
    });
    expect(status).toBe(101);
    expect(doc.paths['/v1/live'].get.responses).toHaveProperty('101');
    seen.add('get /v1/live 101');
  });

  it('windows: list, summary, document and proof before and after sealing', async () => {
    expect((await call('get', '/v1/windows/{windowStart}', `/v1/windows/${T0}`)).json.error.code).toBe('WINDOW_NOT_SEALED');
    expect((await call('get', '/v1/windows/{windowStart}/document', `/v1/windows/${T0}/document`)).json.error.code).toBe('WINDOW_NOT_SEALED');
    expect((await call('get', '/v1/windows/{windowStart}/proof', `/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=1`)).json.error.code).toBe(
      'WINDOW_NOT_SEALED',
    );
    clock.t = T0 + 305;
    expect((await api.sealer.sealDueWindows()).map((w) => w.windowStart)).toEqual([T0]);
    const all = await call('get', '/v1/windows', '/v1/windows?status=all');
    expect(all.json.windows).toMatchObject([{ windowStart: T0, status: 'sealed' }]);
    expect((await call('get', '/v1/windows', '/v1/windows?status=closed')).json.error.code).toBe('INVALID_QUERY');

    const summary = await call('get', '/v1/windows/{windowStart}', `/v1/windows/${T0}`);
    expect(summary.json).toMatchObject({ status: 'sealed', readingCount: 3 });
    // What the anchor watcher writes once the DON committed and recorded, and a fraud proof froze one device (then
    // the DON corrected it) and the totals: the answers still match the document.
    const hash = `0x${'ab'.repeat(32)}`;
    await api.ctx.db
      .update(windows)
      .set({ committedAt: T0 + 310 })
      .where(eq(windows.windowStart, T0));
    expect((await call('get', '/v1/windows/{windowStart}', `/v1/windows/${T0}`)).json).toMatchObject({ status: 'committed', committedAt: T0 + 310 });
    await api.ctx.db
      .update(windows)
      .set({ anchoredAt: T0 + 320, frozenAt: T0 + 330, frozenReason: 14 })
      .where(eq(windows.windowStart, T0));
    const frozen = { windowStart: T0, reason: 1, challenger: `0x${'11'.repeat(20)}`, evidence: hash, frozenAt: T0 + 325, txHash: hash };
    await api.ctx.db.insert(frozenDevices).values([
      { ...frozen, deviceId: 'SOLR_0001', seq: 0, correctedLeaf: hash, correctedCidDigest: hash, correctedAt: T0 + 326, correctionTxHash: hash },
      { ...frozen, deviceId: 'WIND_0002', seq: 0 },
    ]);
    expect((await call('get', '/v1/windows', '/v1/windows?status=sealed')).json.windows[0]).toMatchObject({
      status: 'frozen',
      frozenReason: 14,
      frozenDevices: [
        { deviceId: 'SOLR_0001', correction: { summaryLeaf: hash, correctedAt: T0 + 326 } },
        { deviceId: 'WIND_0002', correction: null },
      ],
    });
    await api.ctx.db.delete(frozenDevices);
    await api.ctx.db.update(windows).set({ committedAt: null, anchoredAt: null, frozenAt: null, frozenReason: null }).where(eq(windows.windowStart, T0));
    expect((await call('get', '/v1/windows/{windowStart}', '/v1/windows/abc')).json.error.code).toBe('INVALID_WINDOW_START');
    expect((await call('get', '/v1/windows/{windowStart}', `/v1/windows/${T0 + 900}`)).json.error.code).toBe('WINDOW_NOT_FOUND');

    const document = await call('get', '/v1/windows/{windowStart}/document', `/v1/windows/${T0}/document`);
    expect(document.headers.get('x-ipfs-cid')).toBe(summary.json.cid);
    expect((await call('get', '/v1/windows/{windowStart}/document', `/v1/windows/${T0 + 1}/document`)).json.error.code).toBe('INVALID_WINDOW_START');
    expect((await call('get', '/v1/windows/{windowStart}/document', `/v1/windows/${T0 + 900}/document`)).json.error.code).toBe('WINDOW_NOT_FOUND');

    const proof = await call('get', '/v1/windows/{windowStart}/proof', `/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=2`);
    expect(proof.json).toMatchObject({ windowStart: T0, cid: summary.json.cid, deviceId: 'SOLR_0001', windowRoot: summary.json.root });
    expect((await call('get', '/v1/windows/{windowStart}/proof', `/v1/windows/${T0}/proof?deviceId=nope&counter=2`)).json.error.code).toBe('INVALID_QUERY');
    expect((await call('get', '/v1/windows/{windowStart}/proof', `/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=9`)).json.error.code).toBe(
      'READING_NOT_IN_WINDOW',
    );

    const cid = summary.json.cid as string;
    expect((await call('get', '/ipfs/{cid}', `/ipfs/${cid}?format=raw`)).bytes).toEqual(document.bytes);
    expect((await call('get', '/ipfs/{cid}', `/ipfs/${cid}`)).headers.get('content-type')).toBe('application/vnd.ipld.dag-json');
    expect((await call('get', '/ipfs/{cid}', '/ipfs/not-a-cid')).json.error.code).toBe('INVALID_CID');
    expect((await call('get', '/ipfs/{cid}', '/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy?format=raw')).json.error.code).toBe(
      'BLOCK_NOT_FOUND',
    );
    expect((await call('get', '/ipfs/{cid}', `/ipfs/${cid}?format=car`)).json.error.code).toBe('FORMAT_NOT_SUPPORTED');
  });

  it('devices: registry mirror, readings, latest, chart and liveness', async () => {
    expect((await call('get', '/v1/devices', '/v1/devices')).json).toMatchObject({ total: 3 });
    expect((await call('get', '/v1/devices', '/v1/devices?limit=0')).json.error.code).toBe('INVALID_QUERY');
    expect((await call('get', '/v1/devices/{deviceId}', '/v1/devices/SOLR_0001')).json).toMatchObject({
      deviceId: 'SOLR_0001',
      keyType: 'P256',
      lastSeen: T0 + 20,
    });
    expect((await call('get', '/v1/devices/{deviceId}', '/v1/devices/solar')).json.error.code).toBe('INVALID_DEVICE_ID');
    expect((await call('get', '/v1/devices/{deviceId}', '/v1/devices/ROGU_0666')).json.error.code).toBe('DEVICE_NOT_FOUND');
    const list = devices.list;
    devices.list = async () => {
      throw new Error('registry down');
    };
    try {
      expect((await call('get', '/v1/devices', '/v1/devices')).json.error.code).toBe('DEVICE_DIRECTORY_UNAVAILABLE');
      expect((await call('get', '/v1/devices/{deviceId}', '/v1/devices/SOLR_0001')).json.error.code).toBe('DEVICE_DIRECTORY_UNAVAILABLE');
    } finally {
      devices.list = list;
    }

    expect((await call('get', '/v1/devices/{deviceId}/readings', '/v1/devices/SOLR_0001/readings?limit=1')).json).toMatchObject({
      readings: [{ counter: 2 }],
      nextCursor: 2,
    });
    expect((await call('get', '/v1/devices/{deviceId}/readings', '/v1/devices/SOLR_0001/readings?cursor=-1')).json.error.code).toBe('INVALID_QUERY');
    expect((await call('get', '/v1/devices/{deviceId}/latest', '/v1/devices/WIND_0002/latest')).json).toMatchObject({
      deviceId: 'WIND_0002',
      counter: 1,
      status: 'ON',
    });
    expect((await call('get', '/v1/devices/{deviceId}/latest', '/v1/devices/x/latest')).json.error.code).toBe('INVALID_DEVICE_ID');
    expect((await call('get', '/v1/devices/{deviceId}/latest', '/v1/devices/HOUS_0003/latest')).json.error.code).toBe('NO_READINGS');
    const chart = await call('get', '/v1/devices/{deviceId}/chart', `/v1/devices/SOLR_0001/chart?range=hour&end=${T0 + 60}`);
    expect(chart.json).toMatchObject({ range: 'hour', bucket: 'minute', energyWh: 25 });
    expect((await call('get', '/v1/devices/{deviceId}/chart', '/v1/devices/SOLR_0001/chart?tz=Mars/Olympus')).json.error.code).toBe('INVALID_QUERY');
    expect((await call('get', '/v1/devices/{deviceId}/liveness', '/v1/devices/SOLR_0001/liveness')).json).toMatchObject({
      deviceId: 'SOLR_0001',
      lastSeen: T0 + 20,
    });
    expect((await call('get', '/v1/devices/{deviceId}/liveness', '/v1/devices/SOLR_0001/liveness?intervals=0')).json.error.code).toBe('INVALID_QUERY');
  });

  it('GET /health: 200 while the database answers, 503 when it does not', async () => {
    expect((await call('get', '/health', '/health')).json).toMatchObject({ status: 'ok', lastSealedWindowStart: T0 });
    const database = api.ctx.status.database;
    api.ctx.status.database = async () => ({ status: 'down', kind: 'pglite', error: 'test: database unreachable' });
    try {
      expect((await call('get', '/health', '/health')).json).toMatchObject({ status: 'down' });
    } finally {
      api.ctx.status.database = database;
    }
  });

  it('sign-in (domain = the Host header) and pins: 200s and each refusal', async () => {
    const host = new URL(api.url).host;
    const json = { 'content-type': 'application/json' };
    const nonce = async () => (await call('post', '/v1/auth/nonce', '/v1/auth/nonce')).json.nonce as string;
    const signIn = async (message: string, signature?: `0x${string}`) =>
      call('post', '/v1/auth/verify', '/v1/auth/verify', {
        headers: json,
        body: JSON.stringify({ message, signature: signature ?? (await alice.signMessage({ message })) }),
      });
    const fields = { domain: host, uri: `${api.url}/` };
    const message = siweMessage(alice, await nonce(), clock.t, fields);
    expect((await signIn(message, await bob.signMessage({ message }))).json.error.code).toBe('SIWE_BAD_SIGNATURE');
    expect((await signIn('hello')).json.error.code).toBe('SIWE_MALFORMED');
    const chainId = api.ctx.auth.chainId;
    api.ctx.auth.chainId = async () => undefined;
    try {
      expect((await signIn(message)).json.error.code).toBe('CHAIN_UNAVAILABLE');
    } finally {
      api.ctx.auth.chainId = chainId;
    }
    const ok = await signIn(message);
    expect(ok.json).toMatchObject({ address: alice.address.toLowerCase(), chainId: 31337 });
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await call('get', '/v1/auth/session', '/v1/auth/session', { headers: { cookie } })).json.address).toBe(alice.address.toLowerCase());
    expect((await call('get', '/v1/auth/session', '/v1/auth/session')).json.error.code).toBe('UNAUTHENTICATED');

    const pin = (body: BodyInit, headers: Record<string, string> = { cookie, 'content-type': 'application/vnd.ipld.dag-json' }) =>
      call('post', '/v1/pins', '/v1/pins', { headers, body });
    const doc = new TextEncoder().encode('{"a":1}');
    expect((await pin(doc)).status).toBe(201);
    expect((await pin(doc)).status).toBe(200);
    expect((await pin(doc, { 'content-type': 'application/vnd.ipld.dag-json' })).json.error.code).toBe('UNAUTHENTICATED');
    expect((await pin('{"a": 1}')).json.error.code).toBe('PIN_NOT_DAG_JSON');
    expect((await pin(doc, { cookie, 'content-type': 'text/plain' })).json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await pin(`{"a":"${'x'.repeat(65_536)}"}`)).json.error.code).toBe('PAYLOAD_TOO_LARGE');
    api.ctx.remotePinner = {
      name: 'down',
      pin: async () => {
        throw new Error('unreachable');
      },
    };
    try {
      expect((await pin(doc)).json.error.code).toBe('PIN_REMOTE_FAILED');
    } finally {
      api.ctx.remotePinner = undefined;
    }
    expect((await call('post', '/v1/auth/logout', '/v1/auth/logout', { headers: { cookie } })).headers.get('set-cookie')).toMatch(/^gp_session=;/);
  });

  it('every declared path, method and status was produced above (a new route or response needs a test here)', () => {
    const declared = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => Object.keys(op.responses).map((status) => `${method} ${path} ${status}`)),
    );
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((d) => !seen.has(d))).toEqual([]);
    // Every operation has a success answer.
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods))
        expect(
          Object.keys(op.responses).some((s) => /^[12]/.test(s)),
          `${method} ${path}`,
        ).toBe(true);
    }
  });
});
