import { createFleet, VirtualMeter, type CreateFleetParameters } from './fleet.js';
import { postReadings } from './client.js';

export interface RunFleetParameters extends CreateFleetParameters {
  apiUrl: string;
  /** Seconds between readings of one meter (default 10). */
  intervalSeconds?: number;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface FleetHandle {
  meters: VirtualMeter[];
  /** Reads every meter once and posts; resolves with accepted / rejected counts. */
  tick(): Promise<{ accepted: number; rejected: number }>;
  stop(): void;
}

/**
 * Runs the fleet: every interval each meter reads and posts its signed reading. A reading the
 * API did not acknowledge stays in the meter's buffer and is re-sent next tick, like the firmware.
 */
export function runFleet({ apiUrl, intervalSeconds = 10, now = () => Math.floor(Date.now() / 1000), log = () => {}, ...fleet }: RunFleetParameters): FleetHandle {
  const meters = createFleet(fleet).map((spec) => new VirtualMeter(spec));
  const buffers = new Map<string, Uint8Array[]>(meters.map((m) => [m.spec.deviceId, []]));
  let running = false;

  async function tick() {
    const t = now();
    let accepted = 0;
    let rejected = 0;
    await Promise.all(
      meters.map(async (meter) => {
        const buffer = buffers.get(meter.spec.deviceId)!;
        buffer.push(meter.read(t).signed);
        try {
          const res = await postReadings(apiUrl, buffer);
          if (res.status === 200) {
            accepted += buffer.length;
            buffer.length = 0;
          } else if (res.status >= 400 && res.status < 500) {
            // Refused for good (e.g. the window sealed while offline): drop it, keep the rest flowing.
            rejected += buffer.length;
            log(`${meter.spec.deviceId}: ${res.status} ${res.body.error?.code}: ${res.body.error?.message}`);
            buffer.length = 0;
          }
        } catch (err) {
          log(`${meter.spec.deviceId}: API unreachable (${(err as Error).message}); ${buffer.length} reading(s) buffered`);
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
  return { meters, tick, stop: () => clearInterval(timer) };
}
