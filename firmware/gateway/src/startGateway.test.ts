import { afterEach, describe, expect, it } from 'vitest';
import { concatSignedReadings, toHex } from '@gridproof/protocol';
import { GatewayClient } from './gatewayClient.js';
import { GatewayError } from './errors.js';
import { createClientHello } from './session.js';
import { startGateway, type StartGatewayParameters, type StartGatewayReturnType } from './startGateway.js';
import { T0, gatewayKey, standInApi, testMeter } from './testUtils.js';

const solar = testMeter('SOLR_0001');
const load = testMeter('INDU_0001');

let clock = T0;
let gateway: StartGatewayReturnType | undefined;
let api: Awaited<ReturnType<typeof standInApi>> | undefined;
afterEach(async () => {
  await gateway?.close();
  api?.server.close();
  api?.server.closeAllConnections();
  gateway = api = undefined;
  clock = T0;
});

async function setUp(extra: Partial<StartGatewayParameters> = {}) {
  api = await standInApi();
  gateway = await startGateway({
    apiUrl: api.url,
    identityKey: gatewayKey,
    meters: { [solar.deviceId]: solar.linkPublicKey, [load.deviceId]: load.linkPublicKey },
    now: () => clock,
    minRetryDelayMs: 20,
    maxRetryDelayMs: 50,
    ...extra,
  });
  return { api, gateway };
}

function client(meter = solar, gw = gateway!) {
  return new GatewayClient({ url: gw.url, meterId: meter.deviceId, identityKey: meter.linkKey, gatewayPublicKey: gw.publicKey, now: () => clock });
}

async function postHello(hello: unknown) {
  const res = await fetch(`${gateway!.url}/v1/handshake`, { method: 'POST', body: JSON.stringify(hello) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('gateway forwarding', () => {
  it('delivers readings to the API byte-identical to what the meter signed, and relays the API answer', async () => {
    const { api } = await setUp();
    const signed = [solar.read(T0), solar.read(T0 + 10), solar.read(T0 + 20)];
    const answer = await client().send(signed);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(answer.body.readings).toHaveLength(3);
    expect(api.received.map(toHex)).toEqual(signed.map(toHex));
  });

  it('aggregates accepted readings per interval and emits each update', async () => {
    await setUp({ aggregateSeconds: 60 });
    const events: number[] = [];
    gateway!.aggregator.on('aggregate', (a) => events.push(a.readings));
    await client(solar).send([solar.read(T0, 2000, 230_000), solar.read(T0 + 30, 4000, 232_000)]);
    await client(load).send([load.read(T0 + 10, 10_000, 228_000, 'OFF'), load.read(T0 + 70, 500, 229_000)]);
    const res = await fetch(`${gateway!.url}/v1/aggregates`);
    const { intervalSeconds, aggregates } = (await res.json()) as { intervalSeconds: number; aggregates: Record<string, number>[] };
    expect(intervalSeconds).toBe(60);
    expect(aggregates).toEqual([
      { intervalStart: T0 + 60, intervalSeconds: 60, readings: 1, metersSeen: 1, avgPowerW: 500, avgVoltageMv: 229_000, totalPowerW: 500, metersOff: 0 },
      // (2000 + 4000 + 10000) / 3; voltage (230000 + 232000 + 228000) / 3; fleet power = mean(solar) 3000 + load 10000.
      { intervalStart: T0, intervalSeconds: 60, readings: 3, metersSeen: 2, avgPowerW: 16_000 / 3, avgVoltageMv: 230_000, totalPowerW: 13_000, metersOff: 1 },
    ]);
    expect(events).toEqual([2, 3, 1]); // interval T0 after each send, then T0 + 60
  });

  it('holds readings through an API outage, answers 503 without acking, then delivers each reading once', async () => {
    const { api } = await setUp({ ackTimeoutMs: 150 });
    let down = true;
    api.respond = () => (down ? { status: 503 } : undefined);
    const link = client();
    const first = [solar.read(T0), solar.read(T0 + 10)];
    const refused = await link.send(first);
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('API_UNAVAILABLE');
    expect(gateway!.forwarder.pendingCount).toBe(2);
    // The meter kept them and sends them again with a new one while the API is still down.
    const second = [...first, solar.read(T0 + 20)];
    expect((await link.send(second)).status).toBe(503);
    expect(gateway!.forwarder.pendingCount).toBe(3);
    down = false;
    await expect.poll(() => gateway!.forwarder.pendingCount, { timeout: 2000 }).toBe(0);
    expect(gateway!.forwarder.retries).toBeGreaterThan(0);
    // Re-sent after delivery: acknowledged from the gateway's record, not posted again.
    const third = await link.send(second);
    expect(third.status).toBe(200);
    expect(third.body.accepted).toBe(3);
    expect(api.received.map(toHex)).toEqual(second.map(toHex));
  });

  it('retries a request the API never answers, and then delivers', async () => {
    const { api } = await setUp({ apiTimeoutMs: 200 });
    let calls = 0;
    api.respond = () => (calls++ === 0 ? 'hang' : undefined);
    const signed = solar.read(T0);
    expect((await client().send([signed])).status).toBe(200);
    expect(gateway!.forwarder.retries).toBe(1);
    expect(api.received.map(toHex)).toEqual([toHex(signed)]);
  });

  it('relays a 4xx for one meter batch and still delivers the other meters in the same request', async () => {
    const { api } = await setUp();
    const bad = load.read(T0);
    api.respond = (readings) => {
      const index = readings.findIndex((r) => toHex(r) === toHex(bad));
      return index < 0 ? undefined : { status: 422, body: { error: { code: 'BAD_SIGNATURE', message: 'no', details: { index } } } };
    };
    const [a, b] = await Promise.all([client(solar).send([solar.read(T0)]), client(load).send([load.read(T0 - 10), bad])]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(422);
    expect(b.body.error).toMatchObject({ code: 'BAD_SIGNATURE', details: { index: 1 } });
    expect(api.received.map((r) => toHex(r))).not.toContain(toHex(bad));
  });
});

describe('gateway refusals', () => {
  it('tampered ciphertext: 401 FRAME_AUTH_FAILED, nothing forwarded, and the seq is not burned', async () => {
    const { api } = await setUp();
    const link = client();
    await link.handshake();
    const { frame } = link.sealFrame(solar.read(T0));
    const tampered = frame.slice();
    tampered[40] ^= 0xff;
    const res = await link.postFrame(tampered);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FRAME_AUTH_FAILED');
    expect(api.posts).toHaveLength(0);
    expect((await link.postFrame(frame)).status).toBe(200);
    expect(api.received).toHaveLength(1);
  });

  it('replayed packet: 409 FRAME_REPLAYED and the API sees the reading once', async () => {
    const { api } = await setUp();
    const link = client();
    await link.handshake();
    const { frame } = link.sealFrame(concatSignedReadings([solar.read(T0)]));
    expect((await link.postFrame(frame)).status).toBe(200);
    const replay = await link.postFrame(frame);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'FRAME_REPLAYED', details: { reason: 'SEEN' } } });
    expect(api.received).toHaveLength(1);
  });

  it('unknown meter: 403 UNKNOWN_METER', async () => {
    await setUp();
    const stranger = testMeter('SOLR_0099');
    expect(await errorOf(client(stranger).send([stranger.read(T0)]))).toEqual({ status: 403, code: 'UNKNOWN_METER' });
  });

  it('expired hello timestamp: 401 HANDSHAKE_EXPIRED (both directions of skew)', async () => {
    await setUp({ maxClockSkewSeconds: 30 });
    for (const timestamp of [T0 - 31, T0 + 31]) {
      const { hello } = createClientHello({ meterId: solar.deviceId, identityKey: solar.linkKey, gatewayPublicKey: gateway!.publicKey, timestamp });
      expect(await postHello(hello)).toMatchObject({ status: 401, body: { error: { code: 'HANDSHAKE_EXPIRED' } } });
    }
    const { hello } = createClientHello({ meterId: solar.deviceId, identityKey: solar.linkKey, gatewayPublicKey: gateway!.publicKey, timestamp: T0 - 30 });
    expect((await postHello(hello)).status).toBe(200);
  });

  it('bad handshake signature: 401 BAD_HANDSHAKE_SIGNATURE; replayed hello: 409 HANDSHAKE_REPLAYED', async () => {
    await setUp();
    const forged = createClientHello({ meterId: solar.deviceId, identityKey: load.linkKey, gatewayPublicKey: gateway!.publicKey, timestamp: T0 });
    expect(await postHello(forged.hello)).toMatchObject({ status: 401, body: { error: { code: 'BAD_HANDSHAKE_SIGNATURE' } } });
    const { hello } = createClientHello({ meterId: solar.deviceId, identityKey: solar.linkKey, gatewayPublicKey: gateway!.publicKey, timestamp: T0 });
    expect((await postHello(hello)).status).toBe(200);
    expect(await postHello(hello)).toMatchObject({ status: 409, body: { error: { code: 'HANDSHAKE_REPLAYED' } } });
    expect(await postHello({ version: 1 })).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_HANDSHAKE' } } });
  });

  it('a meter refuses a gateway that cannot sign with the pinned key', async () => {
    await setUp();
    const link = new GatewayClient({
      url: gateway!.url,
      meterId: solar.deviceId,
      identityKey: solar.linkKey,
      gatewayPublicKey: load.linkPublicKey,
      now: () => clock,
    });
    // The hello names another gateway key, so this gateway refuses it before the meter even checks.
    expect(await errorOf(link.send([solar.read(T0)]))).toEqual({ status: 401, code: 'BAD_HANDSHAKE_SIGNATURE' });
  });

  it('readings of another meter in a session: 403 READING_NOT_FROM_METER inside the encrypted answer', async () => {
    const { api } = await setUp();
    const answer = await client(solar).send([load.read(T0)]);
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'READING_NOT_FROM_METER', details: { index: 0, deviceId: 'INDU_0001' } } } });
    const junk = await client(solar).send([new Uint8Array(50)]);
    expect(junk).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PAYLOAD', details: { length: 50, reason: 'TRUNCATED' } } } });
    expect(api.posts).toHaveLength(0);
  });

  it('expired or unknown session: the client opens a new one and the readings still arrive', async () => {
    const { api } = await setUp({ sessionSeconds: 60 });
    const link = client();
    await link.send([solar.read(T0)]);
    const first = link.sessionId;
    // Stale session on the wire: 401 SESSION_EXPIRED.
    const { frame } = link.sealFrame(solar.read(T0 + 1));
    clock = T0 + 61;
    const stale = await link.postFrame(frame);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('SESSION_EXPIRED');
    expect((await link.send([solar.read(T0 + 62)])).status).toBe(200);
    expect(link.sessionId).not.toBe(first);
    expect(api.received).toHaveLength(2);
  });

  it('a meter holds at most two sessions: a third handshake retires the oldest', async () => {
    await setUp();
    const links = [client(), client(), client()];
    for (const link of links) await link.handshake();
    expect(gateway!.sessionCount()).toBe(2);
    const old = await links[0].postFrame(links[0].sealFrame(solar.read(T0)).frame);
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_SESSION');
    expect((await links[2].postFrame(links[2].sealFrame(solar.read(T0 + 1)).frame)).status).toBe(200);
  });

  it('unknown routes and oversized frames get stable codes', async () => {
    await setUp({ maxBatch: 2 });
    expect((await fetch(`${gateway!.url}/nope`)).status).toBe(404);
    const big = await fetch(`${gateway!.url}/v1/frames`, { method: 'POST', body: new Uint8Array(25 + 3 * 107 + 16) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('FRAME_TOO_LARGE');
    const health = (await (await fetch(`${gateway!.url}/health`)).json()) as { status: string; meters: number };
    expect(health).toMatchObject({ status: 'ok', meters: 2 });
  });
});
