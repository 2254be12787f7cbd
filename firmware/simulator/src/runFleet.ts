import { GatewayClient, mqttTransport } from '@gridproof/gateway';
import { createFleet, VirtualMeter, type CreateFleetParameters } from './fleet.js';
import { postReadings, type PostReadingsResult } from './client.js';

/** A fog gateway meters can send through: its URL and the Ed25519 public key they pin. */
export interface GatewayTarget {
  url: string;
  publicKey: Uint8Array;
}

export interface RunFleetParameters extends CreateFleetParameters {
  apiUrl: string;
  /** Seconds between readings of one meter (default 10). */
  intervalSeconds?: number;
  /**
   * Send through these gateways instead of straight to the API (meter i uses gateway i mod n).
   * Each gateway must have the meters' `linkPublicKey` on its allow-list (`meterLinkKeys`).
   */
  gateways?: GatewayTarget[];
  /**
   * Publish straight to the oracle API's MQTT broker instead (QoS 1 on
   * `gridproof/v1/devices/{id}/readings`; the API acks after commit). Ignored for meters with a gateway.
   */
  mqttUrl?: string;
  /** Readings per request while catching up after an outage (default 500, the API's limit). */
  maxBatch?: number;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface FleetHandle {
  meters: VirtualMeter[];
  /** Reads every meter once and posts; resolves with accepted / rejected counts. */
  tick(): Promise<{ accepted: number; rejected: number }>;
  /** Readings each meter holds that no one acknowledged yet (offline or API down). */
  buffered(): Map<string, number>;
  stop(): void;
}

/** The allow-list a gateway needs for a fleet: meter id → Ed25519 link public key. */
export function meterLinkKeys(meters: { deviceId: string; linkPublicKey: Uint8Array }[]): Record<string, Uint8Array> {
  return Object.fromEntries(meters.map((m) => [m.deviceId, m.linkPublicKey]));
}

/**
 * Runs the fleet: every interval each meter reads and sends its signed reading, straight to the
 * API or through a gateway. A reading nobody acknowledged stays in the meter's buffer and is
 * re-sent next tick, like the firmware; during an outage the meter only buffers, and catches up
 * when the grid is back.
 */
export function runFleet({
  apiUrl,
  intervalSeconds = 10,
  gateways,
  mqttUrl,
  maxBatch = 500,
  now = () => Math.floor(Date.now() / 1000),
  log = () => {},
  ...fleet
}: RunFleetParameters): FleetHandle {
  const meters = createFleet(fleet).map((spec) => new VirtualMeter(spec));
  const buffers = new Map<string, Uint8Array[]>(meters.map((m) => [m.spec.deviceId, []]));
  const links = new Map(
    gateways && gateways.length > 0
      ? meters.map((m, i) => {
          const gw = gateways[i % gateways.length];
          return [
            m.spec.deviceId,
            new GatewayClient({ url: gw.url, meterId: m.spec.deviceId, identityKey: m.spec.linkPrivateKey, gatewayPublicKey: gw.publicKey, now }),
          ];
        })
      : [],
  );
  // One broker connection for the whole simulated fleet; each meter publishes on its own topic.
  const broker = mqttUrl && links.size === 0 ? mqttTransport({ url: mqttUrl, clientId: `gridproof-fleet-${fleet.seed ?? 'default'}` }) : undefined;
  let running = false;

  const send = (meter: VirtualMeter, readings: Uint8Array[]): Promise<PostReadingsResult> => {
    const link = links.get(meter.spec.deviceId);
    if (link) return link.send(readings);
    if (broker) return broker.deliver(readings) as Promise<PostReadingsResult>;
    return postReadings(apiUrl, readings);
  };

  async function flush(meter: VirtualMeter, buffer: Uint8Array[]): Promise<{ accepted: number; rejected: number }> {
    let accepted = 0;
    let rejected = 0;
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatch);
      const res = await send(meter, batch);
      if (res.status === 200) {
        accepted += batch.length;
        buffer.splice(0, batch.length);
        continue;
      }
      if (res.status >= 400 && res.status < 500) {
        // Refused for good (e.g. its window sealed while the meter was offline): drop the reading the
        // API named and try the rest again; without a name the whole batch goes.
        const index = res.body.error?.details?.index;
        const drop = Number.isInteger(index) && (index as number) >= 0 && (index as number) < batch.length ? 1 : batch.length;
        buffer.splice(drop === 1 ? (index as number) : 0, drop);
        rejected += drop;
        log(`${meter.spec.deviceId}: ${res.status} ${res.body.error?.code}: ${res.body.error?.message}`);
        continue;
      }
      log(`${meter.spec.deviceId}: ${res.status} ${res.body.error?.code ?? ''}; ${buffer.length} reading(s) buffered`);
      break;
    }
    return { accepted, rejected };
  }

  async function tick() {
    const t = now();
    let accepted = 0;
    let rejected = 0;
    await Promise.all(
      meters.map(async (meter) => {
        const buffer = buffers.get(meter.spec.deviceId)!;
        buffer.push(meter.read(t).signed);
        if (!meter.isOnline(t)) return;
        try {
          const r = await flush(meter, buffer);
          accepted += r.accepted;
          rejected += r.rejected;
        } catch (err) {
          log(
            `${meter.spec.deviceId}: ${links.has(meter.spec.deviceId) ? 'gateway' : broker ? 'broker' : 'API'} unreachable (${(err as Error).message}); ${buffer.length} reading(s) buffered`,
          );
        }
      }),
    );
    return { accepted, rejected };
  }

  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .then(({ accepted, rejected }) => log(`posted ${accepted} reading(s)${rejected ? `, ${rejected} refused` : ''}`))
      .finally(() => (running = false));
  }, intervalSeconds * 1000);
  return {
    meters,
    tick,
    buffered: () => new Map([...buffers].map(([id, b]) => [id, b.length])),
    stop: () => {
      clearInterval(timer);
      void broker?.close?.();
    },
  };
}
