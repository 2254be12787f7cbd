import { toHex } from '@gridproof/protocol';
import type { NewReadingRow } from '../db/schema/index.js';
import type { ApiReading } from '../openapi/schemas.js';

/**
 * A stored reading as the API shows it (HTTP and the live stream): the meter's own fields, its
 * window and the signed bytes to re-verify. Built field by field, so nothing about the device's
 * owner (company, address, installation) can ever leave through it.
 */
export function readingOut(
  r: Pick<NewReadingRow, 'deviceId' | 'counter' | 'timestamp' | 'powerW' | 'energyWh' | 'voltageMv' | 'status' | 'windowStart' | 'signed' | 'excludedReason'>,
): ApiReading {
  return {
    deviceId: r.deviceId,
    counter: r.counter,
    timestamp: r.timestamp,
    powerW: r.powerW,
    energyWh: r.energyWh,
    voltageMv: r.voltageMv,
    status: r.status === 1 ? 'ON' : 'OFF',
    windowStart: r.windowStart,
    signed: toHex(r.signed),
    excludedReason: r.excludedReason ?? null,
  };
}
