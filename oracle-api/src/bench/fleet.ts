/** A fleet of P-256 meters with node:crypto keys, for the benchmark: signing here must not be the bottleneck. */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeReading, encodeSignedReading, KeyType, normalizeP256Signature } from '@gridproof/protocol';
import type { DeviceEntry } from '../devices/deviceDirectory.js';

export interface BenchMeter {
  deviceId: string;
  privateKey: KeyObject;
  entry: DeviceEntry;
  counter: number;
  energyWh: number;
}

export function createFleet(size: number, prefix = 'BNCH'): BenchMeter[] {
  return Array.from({ length: size }, (_, i) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const xy = Buffer.concat([Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]);
    return {
      deviceId: `${prefix}_${String(i).padStart(4, '0')}`,
      privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
      entry: { keyType: KeyType.P256, publicKey: new Uint8Array(xy), active: true },
      counter: 0,
      energyWh: 1_000_000,
    };
  });
}

/** The next signed reading (107 bytes) of a meter, timestamped `timestamp`. */
export function nextReading(m: BenchMeter, timestamp: number): Uint8Array {
  m.counter += 1;
  m.energyWh += 3;
  const bytes = encodeReading({ deviceId: m.deviceId, counter: m.counter, timestamp, powerW: 1800, energyWh: m.energyWh, voltageMv: 230_000, status: 'ON' });
  const sig = normalizeP256Signature(new Uint8Array(sign('sha256', bytes, { key: m.privateKey, dsaEncoding: 'ieee-p1363' })));
  return encodeSignedReading(bytes, sig);
}
