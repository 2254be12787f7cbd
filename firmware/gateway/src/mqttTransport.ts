import mqtt from 'mqtt';
import { ERRORS_SUBSCRIPTION, concatSignedReadings, decodeSignedReading, parseTopic, readingsTopic } from '@gridproof/protocol';
import type { DeliveryResult, ForwarderTransport } from './forwarder.js';

export interface MqttTransportParameters {
  /** mqtt://host:port of the broker the oracle API ingests from. */
  url: string;
  clientId?: string;
  /** A publish not acknowledged in this time is retried. Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Forwards each meter batch as one QoS 1 message (the 107-byte signed readings back to back,
 * unchanged) to `gridproof/v1/devices/{deviceId}/readings`. The oracle API's broker sends the
 * PUBACK only once the batch is committed or refused, and publishes a refusal on the device's
 * `…/errors` topic before that PUBACK; the gateway subscribes to those, so a refusal reaches the
 * meter as over HTTP. MQTT carries no per-reading answer: results say `windowStart: null`, `duplicate: false`.
 * One message at a time (no coalescing), so each refusal belongs to exactly one batch.
 */
export function mqttTransport({ url, clientId, timeoutMs = 15_000 }: MqttTransportParameters): ForwarderTransport {
  const client = mqtt.connect(url, {
    clientId: clientId ?? `gridproof-gateway-${Math.random().toString(16).slice(2, 10)}`,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
  });
  const refusals = new Map<string, DeliveryResult[]>();
  let subscribed: Promise<unknown> | undefined;
  client.on('connect', () => {
    subscribed = client.subscribeAsync(ERRORS_SUBSCRIPTION, { qos: 1 }).catch(() => (subscribed = undefined));
  });
  client.on('error', () => {}); // reconnects by itself; deliver() reports the outage as status 0
  client.on('message', (topic, payload) => {
    const parsed = parseTopic(topic);
    const list = parsed?.kind === 'errors' ? refusals.get(parsed.deviceId) : undefined;
    if (!list) return;
    try {
      const { status, topic: _t, ...body } = JSON.parse(payload.toString('utf8')) as { status: number; topic: string; error: unknown };
      list.push({ status, body });
    } catch {
      // Not a service error body: ignore.
    }
  });

  return {
    coalesce: false,
    async deliver(readings) {
      if (!client.connected || !subscribed) return { status: 0, body: { error: { code: 'BROKER_UNREACHABLE', message: `Not connected to ${url}.` } } };
      await subscribed;
      const decoded = readings.map((r) => decodeSignedReading(r).reading);
      const deviceId = decoded[0].deviceId;
      const seen: DeliveryResult[] = [];
      refusals.set(deviceId, seen);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const acked = await Promise.race([
          client.publishAsync(readingsTopic(deviceId), Buffer.from(concatSignedReadings(readings)), { qos: 1 }).then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
        if (!acked) return { status: 0, body: { error: { code: 'BROKER_TIMEOUT', message: `No PUBACK within ${timeoutMs} ms.` } } };
        // The refusal (if any) was written before the PUBACK on the same connection; let its handler run.
        await new Promise((resolve) => setImmediate(resolve));
        if (seen.length > 0) return seen[0];
        return {
          status: 200,
          body: {
            accepted: readings.length,
            duplicates: 0,
            readings: decoded.map((r) => ({ deviceId: r.deviceId, counter: r.counter, windowStart: null, duplicate: false })),
          },
        };
      } catch (err) {
        return { status: 0, body: { error: { code: 'BROKER_UNREACHABLE', message: (err as Error).message } } };
      } finally {
        clearTimeout(timer);
        refusals.delete(deviceId);
      }
    },
    async close() {
      await client.endAsync(true);
    },
  };
}
