// Readings verified per second by verifyWindow (noble P-256 / Ed25519), on a generated window.
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyType, buildWindowDocument, encodeReading, encodeSignedReading, encodeWindowDocument, publicKeyOf, signReadingBytes } from '@gridproof/protocol';
import { verifyWindow, type RegisteredDeviceKey } from '../src/index.js';

const WINDOW_START = 1767225600;
const WINDOW_SECONDS = 300;

function buildBench(keyType: KeyType, deviceCount: number, readingsPerDevice: number) {
  const deviceKeys: Record<string, RegisteredDeviceKey> = {};
  const devices = Array.from({ length: deviceCount }, (_, d) => {
    const deviceId = `BNCH_${String(d).padStart(4, '0')}`;
    const priv = sha256(new TextEncoder().encode(`bench ${keyType} ${d}`));
    deviceKeys[deviceId] = { keyType, publicKey: publicKeyOf(keyType, priv), revokedAt: 0, active: true };
    const readings = Array.from({ length: readingsPerDevice }, (_, k) => {
      const bytes = encodeReading({
        deviceId,
        counter: 100 + k,
        timestamp: WINDOW_START + Math.floor((k * WINDOW_SECONDS) / readingsPerDevice),
        powerW: 1200 + k,
        energyWh: 10_000 + 5 * k,
        voltageMv: 230_000,
        status: 'ON',
      });
      return encodeSignedReading(bytes, signReadingBytes(bytes, keyType, priv));
    });
    return { deviceId, readings };
  });
  const bytes = encodeWindowDocument(buildWindowDocument({ windowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, devices }));
  return { bytes, deviceKeys, readings: deviceCount * readingsPerDevice };
}

for (const [label, keyType] of [
  ['P-256 ', KeyType.P256],
  ['Ed25519', KeyType.ED25519],
] as const) {
  const { bytes, deviceKeys, readings } = buildBench(keyType, 20, 50);
  verifyWindow({ documentBytes: bytes, expectedWindowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, deviceKeys }); // warm-up
  const runs = 3;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    verifyWindow({ documentBytes: bytes, expectedWindowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, deviceKeys });
  }
  const seconds = (performance.now() - t0) / 1000 / runs;
  console.log(
    `${label} window of ${readings} readings (${(bytes.length / 1024).toFixed(0)} KiB): ${(seconds * 1000).toFixed(0)} ms per window, ${Math.round(readings / seconds)} readings/s`,
  );
}
