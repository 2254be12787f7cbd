// Against the REAL oracle API (in-memory PGlite, in-memory device directory): readings that
// went through the gateway are verified, stored and served back byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyType, toHex } from '@gridproof/protocol';
import { createMemoryDeviceDirectory, silentLogger, startOracleApi, type StartOracleApiReturnType } from '@gridproof/oracle-api';
import { ApiRefusal as OracleApiRefusal } from '@gridproof/oracle-api/client';
import { ApiRefusal, Forwarder } from './forwarder.js';
import { GatewayClient } from './gatewayClient.js';
import { httpTransport } from './oracleApi.js';
import { startGateway, type StartGatewayReturnType } from './startGateway.js';
import { T0, gatewayKey, testMeter } from './testUtils.js';

const meters = [testMeter('SOLR_0001'), testMeter('SOLR_0002'), testMeter('SOLR_0003')];
const clock = T0 + 100;
let api: StartOracleApiReturnType;
/** `meter`'s encrypted link to `to`, on the test clock. */
const linkOf = (meter: (typeof meters)[number], to: StartGatewayReturnType) =>
  new GatewayClient({ url: to.url, meterId: meter.deviceId, identityKey: meter.linkKey, gatewayPublicKey: to.publicKey, now: () => clock });
let gateway: StartGatewayReturnType;
let mqttGateway: StartGatewayReturnType | undefined;

beforeAll(async () => {
  const devices = createMemoryDeviceDirectory(
    Object.fromEntries(meters.map((m) => [m.deviceId, { keyType: KeyType.ED25519, publicKey: m.readingPublicKey, active: true }])),
  );
  api = await startOracleApi({ port: 0, dataDir: 'memory', devices, clock: { now: () => clock }, sealIntervalMs: 0, logger: silentLogger });
  gateway = await startGateway({
    apiUrl: api.url,
    identityKey: gatewayKey,
    meters: Object.fromEntries(meters.map((m) => [m.deviceId, m.linkPublicKey])),
    now: () => clock,
  });
}, 60_000);
afterAll(async () => {
  await mqttGateway?.close();
  await gateway?.close();
  await api?.close();
});

describe('through the gateway to the real oracle API', () => {
  it('accepts the readings and stores exactly the bytes the meters signed', async () => {
    const sent = new Map<string, Uint8Array[]>();
    for (const meter of meters.slice(0, 2)) {
      const signed = [meter.read(T0 + 10), meter.read(T0 + 20), meter.read(T0 + 30)];
      sent.set(meter.deviceId, signed);
      const link = linkOf(meter, gateway);
      const answer = await link.send(signed);
      expect(answer).toMatchObject({ status: 200, body: { accepted: 3, duplicates: 0 } });
      // An idempotent re-send is answered from the gateway's record of what the API acknowledged.
      expect((await link.send(signed)).status).toBe(200);
    }
    for (const [deviceId, signed] of sent) {
      const res = await fetch(`${api.url}/v1/devices/${deviceId}/readings?limit=10`);
      const { readings } = (await res.json()) as { readings: { signed: string; counter: number }[] };
      expect(readings.map((r) => r.signed).reverse()).toEqual(signed.map(toHex));
    }
  });

  it("relays the API's own refusal (a forged reading signature) to the meter", async () => {
    const meter = meters[0];
    const forged = meter.read(T0 + 40);
    forged[106] ^= 0x01; // the gateway does not check reading signatures; the API does
    const link = linkOf(meter, gateway);
    const answer = await link.send([forged]);
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'BAD_SIGNATURE', details: { index: 0 } } } });
  });
});

describe('through the gateway to the oracle API over MQTT', () => {
  it("publishes each batch QoS 1 to the device topic; the API stores the exact bytes and the meter gets the API's refusals", async () => {
    const brokerUrl = (api as { mqtt?: { url: string } }).mqtt?.url;
    expect(brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    mqttGateway = await startGateway({
      apiUrl: api.url,
      mqtt: { url: brokerUrl! },
      identityKey: gatewayKey,
      meters: Object.fromEntries(meters.map((m) => [m.deviceId, m.linkPublicKey])),
      now: () => clock,
      minRetryDelayMs: 50,
    });
    const meter = meters[2];
    const link = linkOf(meter, mqttGateway);
    const signed = [meter.read(T0 + 10), meter.read(T0 + 20)];
    const answer = await link.send(signed);
    expect(answer).toMatchObject({ status: 200, body: { accepted: 2 } });
    const res = await fetch(`${api.url}/v1/devices/${meter.deviceId}/readings?limit=10`);
    const { readings } = (await res.json()) as { readings: { signed: string }[] };
    expect(readings.map((r) => r.signed).reverse()).toEqual(signed.map(toHex));

    const forged = meter.read(T0 + 30);
    forged[106] ^= 0x01;
    expect(await link.send([forged])).toMatchObject({ status: 422, body: { error: { code: 'BAD_SIGNATURE' } } });
    expect(mqttGateway.aggregator.list().reduce((n, a) => n + a.readings, 0)).toBe(2);
  });
});

describe('httpTransport and the Forwarder over the typed oracle API client', () => {
  it('reports the ingest answer, the API refusal with its typed code, and an unreachable API as status 0', async () => {
    const meter = meters[1];
    const transport = httpTransport(api.url);
    const good = meter.read(T0 + 50);
    expect(await transport.deliver([good])).toEqual({
      status: 200,
      body: { accepted: 1, duplicates: 0, readings: [{ deviceId: meter.deviceId, counter: 4, windowStart: T0, duplicate: false }] },
    });
    const forged = meter.read(T0 + 60);
    forged[106] ^= 0x01;
    expect(await transport.deliver([good, forged])).toMatchObject({ status: 422, body: { error: { code: 'BAD_SIGNATURE', details: { index: 1 } } } });
    expect(await httpTransport('http://127.0.0.1:9', 2000).deliver([good])).toMatchObject({ status: 0, body: { error: { code: 'API_UNREACHABLE' } } });
  });

  it('a refused batch rejects with ApiRefusal: the client refusal (typed code) plus the reading the API named', async () => {
    const meter = meters[1];
    const forwarder = new Forwarder({ apiUrl: api.url });
    try {
      const forged = meter.read(T0 + 70);
      forged[106] ^= 0x01;
      const err = await forwarder.submit([forged]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiRefusal);
      expect(err).toBeInstanceOf(OracleApiRefusal);
      expect(err).toMatchObject({ status: 422, code: 'BAD_SIGNATURE', details: { index: 0 }, refusedReading: forged });
    } finally {
      forwarder.close();
    }
  });
});
