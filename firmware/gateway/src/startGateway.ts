import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  SIGNED_READING_LENGTH,
  InvalidSignedReadingsError,
  ProtocolError,
  decodeSignedReading,
  signedReadingsCount,
  splitSignedReadings,
  toHex,
  type Reading,
} from '@gridproof/protocol';
import { Aggregator, type IntervalAggregate } from './aggregator.js';
import { GatewayError } from './errors.js';
import { ApiRefusal, Forwarder, type ForwardedReading } from './forwarder.js';
import { mqttTransport } from './mqttTransport.js';
import { NonceCache, SeqWindow } from './replayGuard.js';
import { FRAME_HEADER_LENGTH, TAG_LENGTH, acceptClientHello, decodeFrameHeader, openFrame, parseClientHello, sealFrame, type SessionKeys } from './session.js';

export interface StartGatewayParameters {
  /** Oracle API base URL, e.g. http://127.0.0.1:8787. */
  apiUrl: string;
  /** The gateway's Ed25519 secret key (32 bytes); meters pin its public key. */
  identityKey: Uint8Array;
  /** Allow-list: meter id → the meter's Ed25519 link public key. Anyone else is refused. */
  meters: Record<string, Uint8Array> | Map<string, Uint8Array>;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted |gateway clock − hello timestamp|, s. Default 30. */
  maxClockSkewSeconds?: number;
  /** Session lifetime, s. Default 3600. */
  sessionSeconds?: number;
  /** Readings per frame and per API request. Default 500 (the API's limit). */
  maxBatch?: number;
  /** How long a frame waits for the API's acknowledgement before the meter is told to try again. Default 10 000 ms. */
  ackTimeoutMs?: number;
  /** Aggregation interval, s. Default 60. */
  aggregateSeconds?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** An API request unanswered this long is retried. Default 15 000 ms. */
  apiTimeoutMs?: number;
  /** Forward over MQTT (QoS 1, `gridproof/v1/devices/{id}/readings`) to this broker instead of HTTP. */
  mqtt?: { url: string; clientId?: string };
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface StartGatewayReturnType {
  url: string;
  port: number;
  /** What meters pin (32 bytes). */
  publicKey: Uint8Array;
  /** Emits `aggregate` (IntervalAggregate) whenever an interval changes. */
  aggregator: Aggregator;
  forwarder: Forwarder;
  /** Live sessions. */
  sessionCount(): number;
  addMeter(meterId: string, publicKey: Uint8Array): void;
  removeMeter(meterId: string): void;
  close(): Promise<void>;
}

/** The answer a meter gets inside its encrypted response frame: the API's status and body, relayed. */
export interface FrameAnswer {
  status: number;
  body: unknown;
}

/** Sessions a meter may hold at once (a restarted meter opens a new one before the old expires). */
const SESSIONS_PER_METER = 2;

interface Session extends SessionKeys {
  meterId: string;
  window: SeqWindow;
}

/**
 * Starts a fog gateway: meters open Ed25519-signed X25519 sessions (`POST /v1/handshake`),
 * send ChaCha20-Poly1305 frames of signed readings (`POST /v1/frames`), and get an encrypted
 * acknowledgement only once the oracle API acknowledged every reading. Readings are forwarded
 * byte for byte; `GET /v1/aggregates` serves per-interval figures for live views.
 * @example const gw = await startGateway({ apiUrl, identityKey, meters: { SOLR_0001: linkPublicKey } })
 */
export async function startGateway(params: StartGatewayParameters): Promise<StartGatewayReturnType> {
  const now = params.now ?? (() => Math.floor(Date.now() / 1000));
  const log = params.log ?? (() => {});
  const skew = params.maxClockSkewSeconds ?? 30;
  const sessionSeconds = params.sessionSeconds ?? 3600;
  const maxBatch = params.maxBatch ?? 500;
  const ackTimeoutMs = params.ackTimeoutMs ?? 10_000;
  const meters = new Map(params.meters instanceof Map ? params.meters : Object.entries(params.meters));
  const sessions = new Map<string, Session>();
  const sessionsOf = new Map<string, string[]>();
  let lastSweep = 0;
  const nonces = new NonceCache(2 * skew + 1);
  const aggregator = new Aggregator(params.aggregateSeconds ?? 60);
  const forwarder = new Forwarder({
    apiUrl: params.apiUrl.replace(/\/$/, ''),
    maxBatch,
    minRetryDelayMs: params.minRetryDelayMs,
    maxRetryDelayMs: params.maxRetryDelayMs,
    requestTimeoutMs: params.apiTimeoutMs,
    transport: params.mqtt ? mqttTransport({ ...params.mqtt, timeoutMs: params.apiTimeoutMs }) : undefined,
    log,
    onDelivered: (signed, results) => aggregator.add(signed.filter((_, i) => !results[i].duplicate).map((b) => decodeSignedReading(b).reading)),
  });
  const maxFrameBytes = FRAME_HEADER_LENGTH + maxBatch * SIGNED_READING_LENGTH + TAG_LENGTH;

  function handshake(body: unknown): unknown {
    const hello = parseClientHello(body);
    const meterKey = meters.get(hello.meterId);
    if (!meterKey) throw new GatewayError(403, 'UNKNOWN_METER', `Meter ${hello.meterId} is not on this gateway's allow-list.`, { meterId: hello.meterId });
    const t = now();
    if (Math.abs(t - hello.timestamp) > skew) {
      throw new GatewayError(
        401,
        'HANDSHAKE_EXPIRED',
        `Hello timestamp ${hello.timestamp} is ${t - hello.timestamp} s from the gateway clock (${t}); at most ±${skew} s.`,
        {
          timestamp: hello.timestamp,
          now: t,
          maxClockSkewSeconds: skew,
        },
      );
    }
    const { server, keys } = acceptClientHello(hello, { identityKey: params.identityKey, meterPublicKey: meterKey, expiresAt: t + sessionSeconds });
    // Only signed hellos reach the cache, so strangers cannot fill it.
    const seen = nonces.add(`${hello.meterId}/${toHex(hello.nonce)}`, t);
    if (seen === 'replayed') {
      throw new GatewayError(409, 'HANDSHAKE_REPLAYED', `Meter ${hello.meterId} already used hello nonce ${toHex(hello.nonce)}.`, {
        meterId: hello.meterId,
        nonce: toHex(hello.nonce),
      });
    }
    if (seen === 'full') throw new GatewayError(503, 'HANDSHAKE_CACHE_FULL', 'Too many handshakes in flight; try again shortly.');
    // Bounded memory: expired sessions go (swept at most once a minute), and a meter keeps only its newest few.
    if (t - lastSweep >= 60) {
      for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
      lastSweep = t;
    }
    const own = (sessionsOf.get(hello.meterId) ?? []).filter((id) => sessions.has(id));
    while (own.length >= SESSIONS_PER_METER) sessions.delete(own.shift()!);
    own.push(server.sessionId);
    sessionsOf.set(hello.meterId, own);
    sessions.set(server.sessionId, { ...keys, meterId: hello.meterId, window: new SeqWindow() });
    log(`session ${server.sessionId.slice(0, 10)}… opened for ${hello.meterId}`);
    return server;
  }

  async function frame(bytes: Uint8Array): Promise<Uint8Array> {
    if (bytes.length > maxFrameBytes)
      throw new GatewayError(413, 'FRAME_TOO_LARGE', `A frame carries at most ${maxBatch} readings (${maxFrameBytes} bytes).`, { length: bytes.length });
    const header = decodeFrameHeader(bytes);
    const sessionId = toHex(header.sessionId);
    const session = sessions.get(sessionId);
    if (!session) throw new GatewayError(401, 'UNKNOWN_SESSION', `No session ${sessionId}; handshake first.`, { sessionId });
    if (session.expiresAt <= now()) {
      sessions.delete(sessionId);
      throw new GatewayError(401, 'SESSION_EXPIRED', `Session ${sessionId} expired at ${session.expiresAt}; handshake again.`, {
        sessionId,
        expiresAt: session.expiresAt,
      });
    }
    const fresh = session.window.check(header.seq);
    if (fresh !== 'ok') {
      throw new GatewayError(
        409,
        'FRAME_REPLAYED',
        `Frame seq ${header.seq} of session ${sessionId} was ${fresh === 'replayed' ? 'already received' : 'too old to be told apart from a replay'}.`,
        {
          sessionId,
          seq: header.seq,
          reason: fresh === 'replayed' ? 'SEEN' : 'OUT_OF_WINDOW',
        },
      );
    }
    const { plaintext } = openFrame(session.meterToGateway, bytes);
    // Recorded only once authenticated: a forged frame cannot burn a sequence number.
    session.window.accept(header.seq);
    const answer = await forward(session, plaintext);
    return sealFrame(session.gatewayToMeter, header, new TextEncoder().encode(JSON.stringify(answer)));
  }

  async function forward(session: Session, payload: Uint8Array): Promise<FrameAnswer> {
    let readings: Uint8Array[] = [];
    try {
      readings = splitReadings(payload, session.meterId, maxBatch);
      const results = await withTimeout(forwarder.submit(readings), ackTimeoutMs);
      if (!results) {
        return errorAnswer(
          new GatewayError(
            503,
            'API_UNAVAILABLE',
            `The API has not acknowledged within ${ackTimeoutMs} ms; the gateway keeps retrying. Keep the readings and send them again.`,
            {
              pending: forwarder.pendingCount,
            },
          ),
        );
      }
      return {
        status: 200,
        body: { accepted: results.filter((r) => !r.duplicate).length, duplicates: results.filter((r) => r.duplicate).length, readings: results },
      };
    } catch (err) {
      if (err instanceof GatewayError) return errorAnswer(err);
      if (err instanceof ApiRefusal) return { status: err.status, body: rebaseIndex(err, readings) };
      return errorAnswer(new GatewayError(503, 'API_UNAVAILABLE', (err as Error).message));
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      const e = err instanceof GatewayError ? err : new GatewayError(500, 'INTERNAL_ERROR', 'Internal error.');
      if (!(err instanceof GatewayError)) log(`internal error: ${(err as Error).stack}`);
      send(res, e.status, e.toBody());
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'POST' && url.pathname === '/v1/handshake') {
      const raw = await readBody(req, 4096);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(raw));
      } catch {
        throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'The handshake body is not JSON.');
      }
      return send(res, 200, handshake(body));
    }
    if (req.method === 'POST' && url.pathname === '/v1/frames') {
      const answer = await frame(await readBody(req, maxFrameBytes));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': answer.length }).end(answer);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/aggregates') {
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 60) || 60, 1), 1000);
      return send(res, 200, { intervalSeconds: aggregator.intervalSeconds, aggregates: aggregator.list(limit) });
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      return send(res, 200, {
        status: 'ok',
        meters: meters.size,
        sessions: sessions.size,
        pendingReadings: forwarder.pendingCount,
        apiRetries: forwarder.retries,
      });
    }
    throw new GatewayError(404, 'NOT_FOUND', `No route ${req.method} ${url.pathname}.`);
  }

  const host = params.host ?? '127.0.0.1';
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.port ?? 0, host, () => resolve(server.address() as AddressInfo));
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
  log(`gateway listening on ${url}, forwarding to ${params.mqtt ? params.mqtt.url : params.apiUrl}`);
  return {
    url,
    port: info.port,
    publicKey: ed25519.getPublicKey(params.identityKey),
    aggregator,
    forwarder,
    sessionCount: () => sessions.size,
    addMeter: (id, key) => void meters.set(id, key),
    removeMeter: (id) => {
      meters.delete(id);
      for (const [sid, s] of sessions) if (s.meterId === id) sessions.delete(sid);
    },
    async close() {
      forwarder.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The frame payload: 1..maxBatch signed readings of 107 bytes, all from the session's meter. */
function splitReadings(payload: Uint8Array, meterId: string, maxBatch: number): Uint8Array[] {
  const refuse = (reason: string, cause?: unknown) =>
    new GatewayError(
      400,
      'INVALID_PAYLOAD',
      `A frame carries 1..${maxBatch} signed readings of ${SIGNED_READING_LENGTH} bytes; got ${payload.length} bytes.`,
      { length: payload.length, reason },
      { cause },
    );
  let count: number;
  try {
    count = signedReadingsCount(payload.length);
  } catch (err) {
    if (err instanceof InvalidSignedReadingsError) throw refuse(err.details.reason, err);
    throw err;
  }
  if (count > maxBatch) throw refuse('TOO_MANY');
  return splitSignedReadings(payload).map((bytes, index) => {
    let reading: Reading;
    try {
      reading = decodeSignedReading(bytes).reading;
    } catch (err) {
      if (err instanceof ProtocolError) throw new GatewayError(400, 'INVALID_READING', `Reading ${index}: ${err.shortMessage}`, { index, code: err.code });
      throw err;
    }
    // The link key speaks for one meter: it may not inject readings of another (signed or not).
    if (reading.deviceId !== meterId) {
      throw new GatewayError(403, 'READING_NOT_FROM_METER', `Reading ${index} is from ${reading.deviceId}, but this session belongs to ${meterId}.`, {
        index,
        deviceId: reading.deviceId,
        meterId,
      });
    }
    return bytes;
  });
}

/** The API's `details.index` counts in the coalesced request; the meter needs it in its own batch. */
function rebaseIndex(err: ApiRefusal, readings: Uint8Array[]): unknown {
  const body = err.body as { error?: { details?: Record<string, unknown> } } | undefined;
  if (!err.refusedReading || !body?.error?.details) return body;
  const refused = toHex(err.refusedReading);
  const index = readings.findIndex((r) => toHex(r) === refused);
  return { ...body, error: { ...body.error, details: { ...body.error.details, index } } };
}

function errorAnswer(err: GatewayError): FrameAnswer {
  return { status: err.status, body: err.toBody() };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  promise.catch(() => {}); // a late refusal after the timeout is not an unhandled rejection
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new GatewayError(413, 'FRAME_TOO_LARGE', `Body larger than ${limit} bytes.`, { limit });
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

export type { ForwardedReading, IntervalAggregate };
