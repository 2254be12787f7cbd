// Test-only fixtures: protocol's vector window, its keys, and builders for tampered windows.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  KeyType,
  deviceIdToBytes,
  toHex,
  buildWindowDocument,
  decodeWindowDocument,
  encodeReading,
  encodeSignedReading,
  encodeWindowDocument,
  fromHex,
  publicKeyOf,
  signReadingBytes,
  windowDocumentDigest,
  type Hex,
  type Reading,
  type WindowDocument,
} from '@gridproof/protocol';
import windowVector from '@gridproof/protocol/test-vectors/window.json' with { type: 'json' };
import type { RegisteredDeviceKey, VerifyWindowParameters } from '../verifyWindow.js';

export const vector = windowVector;
export const WINDOW_START = vector.windowStart;
export const WINDOW_SECONDS = vector.windowSeconds;
export const vectorBytes = (): Uint8Array => fromHex(vector.document);

/** Same derivation as protocol/scripts/vectors.ts `testKey`. */
const testKey = (i: number) => sha256(new TextEncoder().encode(`gridproof test vector key ${i}`));
export const fixtureDevices = {
  SOLR_0001: { keyType: KeyType.P256, privateKey: testKey(1) },
  SOLR_0002: { keyType: KeyType.P256, privateKey: testKey(2) },
  INDU_0042: { keyType: KeyType.ED25519, privateKey: testKey(3) },
} as const;
export type FixtureDeviceId = keyof typeof fixtureDevices;

export function vectorKeys(): Record<string, RegisteredDeviceKey> {
  const keys: Record<string, RegisteredDeviceKey> = {};
  for (const [deviceId, d] of Object.entries(fixtureDevices)) {
    keys[deviceId] = { keyType: d.keyType, publicKey: publicKeyOf(d.keyType, d.privateKey), revokedAt: 0, active: true };
  }
  return keys;
}

/** Signs a reading with the key of `signer` (its own device by default). */
export function signed(reading: Reading, signer: FixtureDeviceId = reading.deviceId as FixtureDeviceId): Uint8Array {
  const d = fixtureDevices[signer];
  const bytes = encodeReading(reading);
  return encodeSignedReading(bytes, signReadingBytes(bytes, d.keyType, d.privateKey));
}

export function reading(deviceId: string, counter: number, timestamp: number, energyWh: number): Reading {
  return { deviceId, counter, timestamp, powerW: 1000 + counter, energyWh, voltageMv: 230_000, status: 'ON' };
}

/** A fresh, mutable copy of the vector document. */
export const vectorDocument = (): WindowDocument => decodeWindowDocument(vectorBytes());
export const encode = (doc: WindowDocument): Uint8Array => encodeWindowDocument(doc);

/** A consistent window built by protocol's own builder (claims match contents), for semantic failures. */
export function buildWindow(devices: { deviceId: string; readings: Uint8Array[]; baseline?: Uint8Array | null }[]): Uint8Array {
  return encodeWindowDocument(buildWindowDocument({ windowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, devices }));
}

/**
 * SOLR_0001's 40 readings, one of them signed with SOLR_0002's key: a forgery only a signature
 * check finds (counters 10…49; the forged one, at index 17, is SOLR_0001#27). Returns the document, its
 * digest, the reading count `n` and the forgery's index.
 */
export function forgedWindow(): { bytes: Uint8Array; digest: Hex; n: number; forged: number } {
  const n = 40;
  const forged = 17;
  const readings = Array.from({ length: n }, (_, k) =>
    signed(reading('SOLR_0001', 10 + k, WINDOW_START + k, 100 + k), k === forged ? 'SOLR_0002' : 'SOLR_0001'),
  );
  const bytes = buildWindow([{ deviceId: 'SOLR_0001', readings }]);
  return { bytes, digest: windowDocumentDigest(bytes), n, forged };
}

/** `key` revoked at `revokedAt` (unix seconds; 0 puts it back to active), as `decodeRegistryEntry` gives it. */
export const revokedKey = (key: RegisteredDeviceKey, revokedAt: number): RegisteredDeviceKey => ({ ...key, revokedAt, active: revokedAt === 0 });

/**
 * A DeviceRegistry `Device` struct as `getDevices` returns it (the input of viem's encodeFunctionResult):
 * certified with `key` (revoked at `key.revokedAt` when not 0, reason 2, key compromised), or, without one, the
 * all-zero struct the registry returns for an unknown id.
 */
export function registryDevice(deviceId: string, key?: RegisteredDeviceKey, certifiedAt = 1n, owner: Hex = `0x${'00'.repeat(19)}aa`) {
  const zeroAddress = `0x${'00'.repeat(20)}` as Hex;
  if (!key)
    return {
      deviceId: `0x${'00'.repeat(9)}` as Hex,
      keyType: 0,
      role: 0,
      owner: zeroAddress,
      ratedCapacityW: 0,
      certifiedAt: 0n,
      revokedAt: 0n,
      revocationReason: 0,
      certifier: zeroAddress,
      organisationId: 0n,
      publicKey: '0x' as Hex,
    };
  return {
    deviceId: toHex(deviceIdToBytes(deviceId)),
    keyType: key.keyType,
    role: 1,
    owner,
    ratedCapacityW: 5000,
    certifiedAt,
    revokedAt: BigInt(key.revokedAt),
    revocationReason: key.revokedAt === 0 ? 0 : 2,
    certifier: `0x${'00'.repeat(19)}ce` as Hex,
    organisationId: 7n,
    publicKey: toHex(key.publicKey),
  };
}

/** verifyWindow's parameters for `documentBytes` in the vector window, under the fixture keys, with `over` applied. */
export const verifyParams = (documentBytes: Uint8Array, over: Partial<VerifyWindowParameters> = {}): VerifyWindowParameters => ({
  documentBytes,
  expectedWindowStart: WINDOW_START,
  windowSeconds: WINDOW_SECONDS,
  deviceKeys: vectorKeys(),
  ...over,
});

/**
 * Two consecutive windows of SOLR_0001 for the continuity rule (protocol/README.md "Continuity"): #1 (0 Wh) before
 * W1; W1 holds #2 (10 Wh) and #3 (30 Wh); W2, the vector's window, holds #4 (40 Wh) and #5 (50 Wh). The meter moved
 * 50 Wh in all. `honest2` has W1's last reading as baseline; `stale2` reuses the baseline before W1, so it counts
 * 0 → 50 Wh on top of W1's 30 (80 Wh recorded for 50 Wh of movement).
 */
export function continuityWindows() {
  const W1 = WINDOW_START - WINDOW_SECONDS;
  const W2 = WINDOW_START;
  const r = [
    signed(reading('SOLR_0001', 1, W1 - 10, 0)),
    signed(reading('SOLR_0001', 2, W1 + 1, 10)),
    signed(reading('SOLR_0001', 3, W1 + 2, 30)),
    signed(reading('SOLR_0001', 4, W2 + 1, 40)),
    signed(reading('SOLR_0001', 5, W2 + 2, 50)),
  ];
  const windowBytes = (windowStart: number, readings: Uint8Array[], baseline: Uint8Array | null) =>
    encodeWindowDocument(buildWindowDocument({ windowStart, windowSeconds: WINDOW_SECONDS, devices: [{ deviceId: 'SOLR_0001', readings, baseline }] }));
  return {
    W1,
    W2,
    r1: r[0],
    r2: r[1],
    r3: r[2],
    r4: r[3],
    r5: r[4],
    windowBytes,
    window1: windowBytes(W1, [r[1], r[2]], r[0]),
    honest2: windowBytes(W2, [r[3], r[4]], r[2]),
    stale2: windowBytes(W2, [r[3], r[4]], r[0]),
  };
}
