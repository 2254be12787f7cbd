import { sha256 } from '@noble/hashes/sha2.js';
import {
  DeviceRole,
  KeyType,
  RevocationReason,
  SECTORS,
  buildMerkleTree,
  buildWindowDocument,
  deviceSummaryLeaf,
  deviceSummaryOf,
  encodeDeviceSummary,
  encodeReading,
  encodeSignedReading,
  encodeWindowDocument,
  encodeWindowReport,
  publicKeyOf,
  readingDigest,
  readingLeaf,
  readingProofOf,
  signReadingBytes,
  toHex,
  windowDocumentCid,
  windowDocumentDigest,
  type Reading,
} from '../src/index.js';

/** Fixed test key i: SHA-256 of a label (a valid scalar for P-256 and a seed for Ed25519). */
export function testKey(i: number): Uint8Array {
  return sha256(new TextEncoder().encode(`gridproof test vector key ${i}`));
}

const WINDOW_START = 1767225600; // 2026-01-01T00:00:00Z
const WINDOW_SECONDS = 300;

const devices = [
  { deviceId: 'SOLR_0001', keyType: KeyType.P256, key: testKey(1) },
  { deviceId: 'SOLR_0002', keyType: KeyType.P256, key: testKey(2) },
  { deviceId: 'INDU_0042', keyType: KeyType.ED25519, key: testKey(3) },
];

function reading(deviceId: string, counter: number, t: number, powerW: number, energyWh: number, status: 'ON' | 'OFF' = 'ON'): Reading {
  return { deviceId, counter, timestamp: t, powerW, energyWh, voltageMv: 229_000 + counter * 7, status };
}

export function buildVectors() {
  const readingCases = [
    { device: devices[0], r: reading('SOLR_0001', 1, WINDOW_START + 10, 1520, 100_000) },
    { device: devices[0], r: reading('SOLR_0001', 2, WINDOW_START + 70, 4_294_967_295, 9_007_199_254_740_991) },
    { device: devices[2], r: reading('INDU_0042', 7, WINDOW_START + 5, 0, 0, 'OFF') },
  ].map(({ device, r }) => {
    const bytes = encodeReading(r);
    const signature = signReadingBytes(bytes, device.keyType, device.key);
    const signed = encodeSignedReading(bytes, signature);
    return {
      reading: r,
      keyType: device.keyType,
      privateKey: toHex(device.key),
      publicKey: toHex(publicKeyOf(device.keyType, device.key)),
      bytes: toHex(bytes),
      digest: toHex(readingDigest(bytes)),
      signature: toHex(signature),
      signed: toHex(signed),
      leaf: readingLeaf(signed),
    };
  });

  // A window: SOLR_0001 has a baseline (its last reading of the previous window), the others not.
  const perDevice = devices.map((device, d) => {
    const count = [4, 3, 5][d];
    const signedReadings: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      const counter = 10 + k;
      const r = reading(device.deviceId, counter, WINDOW_START + 60 * k + d, 1000 * (d + 1) + 13 * k, 5_000 * (d + 1) + 25 * k);
      const bytes = encodeReading(r);
      signedReadings.push(encodeSignedReading(bytes, signReadingBytes(bytes, device.keyType, device.key)));
    }
    let baseline: Uint8Array | null = null;
    if (d === 0) {
      const b = encodeReading(reading(device.deviceId, 9, WINDOW_START - 20, 990, 4_990));
      baseline = encodeSignedReading(b, signReadingBytes(b, device.keyType, device.key));
    }
    return { deviceId: device.deviceId, readings: signedReadings.reverse(), baseline };
  });
  const doc = buildWindowDocument({ windowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, devices: perDevice });
  const docBytes = encodeWindowDocument(doc);
  const cidDigest = windowDocumentDigest(docBytes);
  const window = {
    windowStart: WINDOW_START,
    windowSeconds: WINDOW_SECONDS,
    document: toHex(docBytes),
    cid: windowDocumentCid(docBytes).toString(),
    cidDigest,
    root: doc.root,
    deviceCount: doc.deviceCount,
    readingCount: doc.readingCount,
    // The vector window's total is small; JSON (and forge's parser) take it as a number.
    energyWh: Number(doc.energyWh),
    report: encodeWindowReport({
      windowStart: WINDOW_START,
      windowSeconds: WINDOW_SECONDS,
      root: doc.root,
      cidDigest,
      deviceCount: doc.deviceCount,
      readingCount: doc.readingCount,
      energyWh: doc.energyWh,
    }),
    devices: doc.devices.map((batch) => {
      const device = devices.find((x) => x.deviceId === batch.deviceId)!;
      const summary = deviceSummaryOf(batch);
      return {
        deviceId: batch.deviceId,
        keyType: device.keyType,
        publicKey: toHex(publicKeyOf(device.keyType, device.key)),
        summary,
        summaryEncoded: toHex(encodeDeviceSummary(summary)),
        summaryLeaf: deviceSummaryLeaf(summary),
        readings: batch.readings.map((signed, i) => {
          const proof = readingProofOf(doc, batch.deviceId, batch.firstCounter + i);
          return { signed, leaf: proof.readingLeaf, proof: proof.readingProof, summaryProof: proof.summaryProof };
        }),
      };
    }),
  };

  // Plain trees of 1..9 leaves, to pin the tree layout itself.
  const merkle = Array.from({ length: 9 }, (_, i) => {
    const leaves = Array.from({ length: i + 1 }, (_, j) => toHex(sha256(new TextEncoder().encode(`leaf ${i}.${j}`))));
    const tree = buildMerkleTree(leaves);
    return { leaves, root: tree.root, proofs: leaves.map((l) => tree.proof(l)) };
  });

  // Device ids an electrician may certify: every sector of the table, and ids the registry must refuse (with why).
  const deviceIds = {
    sectors: Object.keys(SECTORS),
    certifiable: Object.keys(SECTORS).map((sector, i) => `${sector}_${String((i * 1111) % 10_000).padStart(4, '0')}`),
    refused: [
      { id: 'SOLX_0001', reason: 'UNKNOWN_SECTOR' },
      { id: 'ROGU_0666', reason: 'UNKNOWN_SECTOR' },
      { id: '0000_0000', reason: 'UNKNOWN_SECTOR' },
      { id: 'solr_0001', reason: 'INVALID_DEVICE_ID' },
      { id: 'SOLR-0001', reason: 'INVALID_DEVICE_ID' },
      { id: 'SOLR_00A1', reason: 'INVALID_DEVICE_ID' },
    ],
    roles: DeviceRole,
    revocationReasons: RevocationReason,
  };
  return { 'readings.json': { cases: readingCases }, 'window.json': window, 'merkle.json': { trees: merkle }, 'devices.json': deviceIds };
}
