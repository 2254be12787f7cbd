import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type PublishPacket } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import {
  InvalidSignedReadingsError,
  ProtocolError,
  READINGS_SUBSCRIPTION,
  errorsTopic,
  parseTopic,
  readingDeviceId,
  signedReadingsCount,
  splitSignedReadings,
} from '@gridproof/protocol';
import type { ComponentState, ServiceContext } from '../context.js';
import { ApiError } from '../lib/errors.js';
import { ingestReadings } from '../services/ingestReadings.js';

/** The device id of a readings topic (checked only against the pattern), or undefined for any other topic. */
function deviceIdOfTopic(topic: string): { deviceId: string; valid: boolean } | undefined {
  const parsed = parseTopic(topic);
  return parsed?.kind === 'readings' ? parsed : undefined;
}

export interface MqttIngestOptions {
  /** mqtt://host:port of an external broker (Mosquitto, EMQX, HiveMQ); default: an embedded broker. */
  url?: string;
  /** Embedded broker port; default 0 (a free port). */
  port?: number;
  /** Embedded broker host; default 127.0.0.1. */
  host?: string;
  /** Client id of the service's persistent session on an external broker. */
  clientId?: string;
  /** How long an external broker keeps the service's session (and queues readings for it) while it is away; default 7 days. */
  sessionExpirySeconds?: number;
}

export interface MqttIngest {
  /** mqtt://… where meters publish. */
  url: string;
  mode: 'embedded' | 'external';
  state(): ComponentState;
  close(): Promise<void>;
}

type Outcome = { ok: true } | { ok: false; error: ApiError };

/**
 * Ingests one MQTT message: the topic names the device; the payload is one or more 107-byte
 * signed readings, all or nothing as over HTTP. Resolves with the refusal (a permanent error,
 * reported on the errors topic and acknowledged so the meter stops resending it) or rejects
 * on a transient failure (no PUBACK: the message comes again).
 */
async function ingestMessage(ctx: ServiceContext, commit: (readings: Uint8Array[]) => Promise<void>, topic: string, payload: Uint8Array): Promise<Outcome> {
  const parsed = deviceIdOfTopic(topic);
  try {
    if (!parsed?.valid) throw new ApiError(400, 'INVALID_TOPIC', `Publish readings to gridproof/v1/devices/{XXXX_ZZZZ}/readings, not ${topic}.`, { topic });
    let count: number;
    try {
      count = signedReadingsCount(payload.length);
    } catch (err) {
      if (!(err instanceof InvalidSignedReadingsError)) throw err;
      if (err.details.reason === 'EMPTY') throw new ApiError(400, 'EMPTY_BATCH', 'The message has no readings.');
      throw new ApiError(400, 'INVALID_READING', err.shortMessage, err.details, err);
    }
    if (count > ctx.rules.maxBatch) {
      throw new ApiError(413, 'BATCH_TOO_LARGE', `A message holds at most ${ctx.rules.maxBatch} readings, got ${count}.`, {
        maxBatch: ctx.rules.maxBatch,
        count,
      });
    }
    const readings = splitSignedReadings(payload);
    readings.forEach((r, index) => {
      // A meter may only publish its own readings on its own topic.
      let id: string;
      try {
        id = readingDeviceId(r);
      } catch (err) {
        if (err instanceof ProtocolError) throw new ApiError(400, 'INVALID_READING', `readings[${index}]: ${err.shortMessage}`, { index, ...err.details }, err);
        throw err;
      }
      if (id !== parsed.deviceId) {
        throw new ApiError(400, 'TOPIC_DEVICE_MISMATCH', `readings[${index}] is from ${id}, published on ${parsed.deviceId}'s topic.`, {
          index,
          deviceId: id,
          topicDeviceId: parsed.deviceId,
        });
      }
    });
    await commit(readings);
    return { ok: true };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500 && err.status !== 503) return { ok: false, error: err };
    throw err;
  }
}

/**
 * Group commit: messages that arrive while a commit runs are ingested together in the next one
 * (up to maxBatch readings), so a fleet publishing one reading per message does not pay one
 * transaction per reading. Order is kept (one FIFO). If a group is refused, its messages are
 * retried one by one, so only the bad message is refused; a transient failure fails them all
 * (none is acknowledged, all come again).
 */
function createGroupCommit(ctx: ServiceContext) {
  type Job = { readings: Uint8Array[]; resolve(): void; reject(err: unknown): void };
  const queue: Job[] = [];
  let running = false;

  async function flush(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const group: Job[] = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + queue[0].readings.length <= ctx.rules.maxBatch)) {
        const job = queue.shift()!;
        group.push(job);
        size += job.readings.length;
      }
      try {
        await ingestReadings(
          ctx,
          group.flatMap((j) => j.readings),
        );
        for (const j of group) j.resolve();
      } catch (err) {
        if (group.length === 1 || !(err instanceof ApiError) || err.status >= 500) {
          for (const j of group) j.reject(err);
          continue;
        }
        for (const j of group) {
          try {
            await ingestReadings(ctx, j.readings);
            j.resolve();
          } catch (one) {
            j.reject(one);
          }
        }
      }
    }
    running = false;
  }

  return (readings: Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ readings, resolve, reject });
      if (!running) setImmediate(() => void flush());
      running = true;
    });
}

const errorPayload = (error: ApiError, topic: string) => JSON.stringify({ ...error.toBody(), status: error.status, topic });

/**
 * MQTT ingest. Embedded (default): an aedes broker on `host:port`; a QoS 1 publish to a
 * readings topic is ingested inside `authorizePublish`, which aedes runs before it writes the
 * PUBACK, so the PUBACK means committed. External (`url`): the service subscribes with a
 * persistent session (clean: false, QoS 1) and acknowledges each message to the broker only
 * after its commit (`customHandleAcks`), so the broker redelivers anything not committed.
 */
export async function startMqttIngest(ctx: ServiceContext, options: MqttIngestOptions = {}): Promise<MqttIngest> {
  return options.url
    ? startExternal(ctx, options.url, options.clientId ?? 'gridproof-oracle-api', options.sessionExpirySeconds ?? 7 * 86_400)
    : startEmbedded(ctx, options.host ?? '127.0.0.1', options.port ?? 0);
}

async function startEmbedded(ctx: ServiceContext, host: string, port: number): Promise<MqttIngest> {
  const broker = await Aedes.createBroker();
  const commit = createGroupCommit(ctx);
  const refused = new WeakSet<PublishPacket>();
  broker.authorizePublish = (client, packet, callback) => {
    if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS/ topic is reserved'));
    // Only the service writes to errors topics.
    if (client && /\/errors$/.test(packet.topic) && deviceIdOfTopic(packet.topic.replace(/errors$/, 'readings')))
      return callback(new Error("errors topics are the service's"));
    if (!packet.topic.startsWith('gridproof/v1/devices/') || !packet.topic.endsWith('/readings')) return callback(null);
    ingestMessage(ctx, commit, packet.topic, packet.payload as Uint8Array).then(
      (outcome) => {
        if (outcome.ok) return callback(null);
        refused.add(packet);
        const deviceId = deviceIdOfTopic(packet.topic)?.deviceId ?? 'unknown';
        broker.publish(
          { cmd: 'publish', topic: errorsTopic(deviceId), payload: Buffer.from(errorPayload(outcome.error, packet.topic)), qos: 1, retain: false, dup: false },
          () => callback(null),
        );
      },
      (err) => {
        ctx.logger.warn('mqtt ingest failed; the message stays unacknowledged', { topic: packet.topic, error: String(err) });
        callback(err as Error);
      },
    );
  };
  // A refused message is acknowledged (so it is not resent forever) but never forwarded.
  broker.authorizeForward = (_client, packet) => (refused.has(packet) ? null : packet);
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const info = server.address() as AddressInfo;
  const url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
  let closed = false;
  return {
    url,
    mode: 'embedded',
    state: () => ({ status: closed ? 'down' : 'ok', mode: 'embedded', url, clients: broker.connectedClients }),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startExternal(ctx: ServiceContext, url: string, clientId: string, sessionExpirySeconds: number): Promise<MqttIngest> {
  const commit = createGroupCommit(ctx);
  let client: MqttClient;
  client = mqtt.connect(url, {
    clientId,
    // MQTT 5: mqtt.js only lets the application hold back PUBACKs (customHandleAcks) on v5, and the session outlives a restart only with an expiry.
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: sessionExpirySeconds },
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    customHandleAcks(topic, message, _packet, done) {
      ingestMessage(ctx, commit, topic, message).then(
        (outcome) => {
          if (outcome.ok) return done(0);
          const deviceId = deviceIdOfTopic(topic)?.deviceId ?? 'unknown';
          // Not awaited: mqtt.js handles incoming packets one at a time, so this publish's PUBACK cannot arrive before done().
          client.publish(errorsTopic(deviceId), errorPayload(outcome.error, topic), { qos: 1 });
          done(0);
        },
        (err) => {
          ctx.logger.warn('mqtt ingest failed; the message stays unacknowledged', { topic, error: String(err) });
          // No PUBACK: reconnecting makes the broker resend it from the persistent session.
          done(err as Error);
          client.end(true, () => client.reconnect());
        },
      );
    },
  });
  client.on('error', (err) => ctx.logger.warn('mqtt client error', { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 });
  // Resubscribe is not needed on reconnect: the persistent session keeps the subscription.
  let closed = false;
  return {
    url,
    mode: 'external',
    state: () => ({ status: client.connected ? 'ok' : 'down', mode: 'external', url: url.replace(/\/\/[^@/]*@/, '//***@') }),
    async close() {
      if (closed) return;
      closed = true;
      await client.endAsync();
    },
  };
}
