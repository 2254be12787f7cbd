import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import {
  buildWindowDocument,
  decodeSignedReading,
  decodeWindowDocument,
  encodeWindowDocument,
  fromHex,
  toHex,
  uintToBytes,
  bytesToUint,
  concatBytes,
  verifyMerkleProof,
  windowDocumentCid,
  windowDocumentDigest,
  type Hex,
  type WindowDocument,
} from '@gridproof/protocol';
import { nobleSignatureVerifier } from '@gridproof/protocol';
import { projectSignatureVectors } from '@gridproof/protocol/verifiers/test-vectors';
import { windowVector } from '../../test/vectors.js';
import { verifyReading, verifySignature, type OnChainDevice, type OnChainWindow, type StepId, type StepStatus, type VerificationSources } from './verify.js';

const vector = windowVector;
const vectorBytes = fromHex(vector.document);

/** Stand-ins for the chain and the gateway, built from the vector: one document, one record, the vector devices. */
function sourcesFor(documentBytes: Uint8Array, overrides: Partial<VerificationSources> & { record?: Partial<OnChainWindow> } = {}) {
  const doc = decodeWindowDocument(vectorBytes);
  const record: OnChainWindow = {
    windowStart: vector.windowStart,
    windowSeconds: vector.windowSeconds,
    root: doc.root,
    cidDigest: windowDocumentDigest(documentBytes),
    deviceCount: vector.deviceCount,
    readingCount: vector.readingCount,
    energyWh: BigInt(vector.energyWh),
    recordedAt: vector.windowStart + 400,
    ...overrides.record,
  };
  const gateway = new Map([[windowDocumentCid(documentBytes).toString(), documentBytes]]);
  const sources: VerificationSources = {
    readWindow: async (start) => {
      if (start !== record.windowStart) throw new Error(`DataLoggerUnknownWindow(${start})`);
      return record;
    },
    fetchDocument: async (cid) => {
      const bytes = gateway.get(cid);
      if (!bytes) throw new Error(`gateway: 404 for ${cid}`);
      return bytes;
    },
    readDevice: async (deviceId) => {
      const d = vector.devices.find((v) => v.deviceId === deviceId);
      // getDevices-style zeroed entry: keyType 0 means unknown.
      if (!d) return device(deviceId, 0, '0x');
      return device(deviceId, d.keyType, d.publicKey);
    },
    readDeviceFreeze: async () => ({ reason: 0, correctedLeaf: null }),
    // What DataLogger.verifyReading computes: both proofs up to the recorded root.
    verifyOnChain: async (_start, p) =>
      verifyMerkleProof(p.readingProof, p.summary.readingsRoot, p.readingLeaf) && verifyMerkleProof(p.summaryProof, record.root, p.summaryLeaf),
    ...overrides,
  };
  return { sources, record };
}

const statuses = (steps: { id: StepId; status: StepStatus }[]) => Object.fromEntries(steps.map((s) => [s.id, s.status]));
const allReadings = vector.devices.flatMap((d) =>
  d.readings.map((r) => {
    const { counter, timestamp } = decodeSignedReading(fromHex(r.signed)).reading;
    return { deviceId: d.deviceId, keyType: d.keyType, counter, timestamp };
  }),
);

/** The document with one hex digit of one reading's signature changed (same length, still canonical DAG-JSON). */
function tamperSignatureHex(deviceId: string, counter: number): { bytes: Uint8Array; original: Hex; tampered: Hex } {
  const doc = decodeWindowDocument(vectorBytes);
  const batch = doc.devices.find((d) => d.deviceId === deviceId)!;
  const original = batch.readings.find((r) => decodeSignedReading(fromHex(r)).reading.counter === counter)!;
  const last = original.at(-1)!;
  const tampered = `${original.slice(0, -1)}${last === '0' ? '1' : '0'}` as Hex;
  const text = new TextDecoder().decode(vectorBytes).replace(original, tampered);
  return { bytes: new TextEncoder().encode(text), original, tampered };
}

/** Rebuilds a fully consistent document (roots and all) from another document's readings. */
function rebuild(doc: WindowDocument): Uint8Array {
  return encodeWindowDocument(
    buildWindowDocument({
      windowStart: doc.windowStart,
      windowSeconds: doc.windowSeconds,
      devices: doc.devices.map((d) => ({
        deviceId: d.deviceId,
        readings: d.readings.map((r) => fromHex(r)),
        baseline: d.baseline ? fromHex(d.baseline) : null,
      })),
    }),
  );
}

/** A getDevice answer: certified, active unless `revokedAt` is set; keyType 0 = a zeroed (unknown) entry. */
const device = (deviceId: string, keyType: number, publicKey: Hex, revokedAt = 0): OnChainDevice => ({
  deviceId,
  keyType,
  publicKey,
  owner: keyType === 0 ? `0x${'00'.repeat(20)}` : `0x${'11'.repeat(20)}`,
  role: keyType === 0 ? 0 : 1,
  ratedCapacityW: keyType === 0 ? 0 : 5000,
  certifier: keyType === 0 ? `0x${'00'.repeat(20)}` : `0x${'22'.repeat(20)}`,
  organisationId: keyType === 0 ? 0n : 1n,
  certifiedAt: keyType === 0 ? 0 : 1_767_225_000,
  revokedAt,
  revocationReason: revokedAt === 0 ? 0 : 2,
});

describe('verifyReading', () => {
  it('the vector covers both key types', () => {
    expect(new Set(allReadings.map((r) => r.keyType))).toEqual(new Set([1, 2]));
    expect(allReadings).toHaveLength(vector.readingCount);
  });

  it.each(allReadings)('passes every step for $deviceId #$counter (key type $keyType)', async ({ deviceId, counter }) => {
    const { sources } = sourcesFor(vectorBytes);
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId, counter, sources });
    expect(result.steps.map((s) => [s.id, s.status, s.reason])).toEqual(result.steps.map((s) => [s.id, 'pass', undefined]));
    expect(result.verified).toBe(true);
    expect(result.steps.find((s) => s.id === 'cid')!.values.map((v) => v.value)).toEqual([vector.cidDigest, vector.cidDigest]);
    expect(result.steps.find((s) => s.id === 'root')!.values.map((v) => v.value)).toEqual([vector.root, vector.root]);
    expect(result.steps.find((s) => s.id === 'document')!.values[0].value).toBe(vector.cid);
  });

  it('shows every hash of the reading proof ending at the readings root', async () => {
    const device = vector.devices.find((d) => d.readings.length >= 4)!;
    const counter = decodeSignedReading(fromHex(device.readings[0].signed)).reading.counter;
    const { sources } = sourcesFor(vectorBytes);
    const { steps } = await verifyReading({ windowStart: vector.windowStart, deviceId: device.deviceId, counter, sources });
    const values = steps.find((s) => s.id === 'reading-proof')!.values;
    const hops = values.filter((v) => v.label.startsWith('step '));
    expect(hops.length).toBeGreaterThanOrEqual(2);
    expect(values.at(-2)!.value).toBe(hops.at(-1)!.value);
    expect(values.at(-1)!.value).toBe(values.at(-2)!.value);
  });

  it('tampered document bytes: step cid fails; the tampered reading also fails its signature and proof', async () => {
    const target = allReadings.find((r) => r.keyType === 1)!;
    const { bytes } = tamperSignatureHex(target.deviceId, target.counter);
    // The chain still holds the digest of the real document; the gateway serves the tampered bytes under that CID.
    const { sources } = sourcesFor(vectorBytes, { fetchDocument: async () => bytes });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: target.deviceId, counter: target.counter, sources });
    const s = statuses(result.steps);
    expect(s).toMatchObject({ document: 'pass', cid: 'fail', reading: 'pass', device: 'pass', signature: 'fail', 'reading-proof': 'fail' });
    expect(result.verified).toBe(false);
    const cid = result.steps.find((x) => x.id === 'cid')!;
    expect(cid.reason).toContain(vector.cidDigest);
    expect(cid.values[0].value).not.toBe(vector.cidDigest);
  });

  it('tampered document bytes: an untouched reading still proves against the chain, only cid fails', async () => {
    const tamperedOne = allReadings[0];
    const other = allReadings.find((r) => r.deviceId !== tamperedOne.deviceId)!;
    const { bytes } = tamperSignatureHex(tamperedOne.deviceId, tamperedOne.counter);
    const { sources } = sourcesFor(vectorBytes, { fetchDocument: async () => bytes });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: other.deviceId, counter: other.counter, sources });
    expect(result.steps.filter((x) => x.status !== 'pass').map((x) => x.id)).toEqual(['cid']);
  });

  it.each([1, 2])('forged signature anchored with a recomputed CID and root (key type %i): only step signature fails', async (keyType) => {
    const target = allReadings.find((r) => r.keyType === keyType)!;
    const { bytes: patched } = tamperSignatureHex(target.deviceId, target.counter);
    const forged = rebuild(decodeWindowDocument(patched));
    const forgedDoc = decodeWindowDocument(forged);
    expect(forgedDoc.root).not.toBe(vector.root);
    const { sources } = sourcesFor(forged, { record: { root: forgedDoc.root } });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: target.deviceId, counter: target.counter, sources });
    expect(result.steps.filter((x) => x.status !== 'pass').map((x) => [x.id, x.status])).toEqual([['signature', 'fail']]);
    expect(result.steps.find((x) => x.id === 'signature')!.reason).toMatch(/does not verify/);
  });

  it('gateway down: document fails, everything that needs it is skipped, the registry check still runs', async () => {
    const { sources } = sourcesFor(vectorBytes, {
      fetchDocument: async (cid) => {
        throw new Error(`gateway answered 404 for ${cid}`);
      },
    });
    const r = allReadings[0];
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    expect(statuses(result.steps)).toEqual({
      document: 'fail',
      cid: 'skipped',
      reading: 'skipped',
      device: 'pass',
      frozen: 'pass',
      signature: 'skipped',
      'reading-proof': 'skipped',
      'summary-proof': 'skipped',
      root: 'skipped',
      contract: 'skipped',
    });
    expect(result.steps[0].reason).toContain('404');
    expect(result.steps.find((x) => x.id === 'signature')!.reason).toBe('Skipped: needs "Reading found in the document and decoded", which did not pass.');
  });

  it('window not on chain: document fails with the contract error', async () => {
    const { sources } = sourcesFor(vectorBytes);
    const result = await verifyReading({ windowStart: vector.windowStart + 300, deviceId: 'SOLR_0001', counter: 10, sources });
    expect(result.steps[0]).toMatchObject({ id: 'document', status: 'fail' });
    expect(result.steps[0].reason).toContain('DataLoggerUnknownWindow');
  });

  it('unregistered device: device fails, signature skipped, proofs still pass', async () => {
    const r = allReadings[0];
    const { sources } = sourcesFor(vectorBytes, {
      readDevice: async (deviceId) => device(deviceId, 0, '0x'),
    });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    const s = statuses(result.steps);
    expect(s).toMatchObject({ device: 'fail', signature: 'skipped', 'reading-proof': 'pass', root: 'pass', contract: 'pass' });
    expect(result.steps.find((x) => x.id === 'device')!.reason).toContain('not registered');
  });

  it('device revoked at or before the reading: device fails; revoked after it: the reading stays valid', async () => {
    const r = allReadings[0];
    const base = sourcesFor(vectorBytes).sources;
    const revokedAt = (at: number) =>
      sourcesFor(vectorBytes, { readDevice: async (id) => ({ ...(await base.readDevice(id)), revokedAt: at, revocationReason: 2 }) }).sources;
    const verify = (sources: VerificationSources) => verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    for (const at of [r.timestamp, r.timestamp - 1]) {
      const result = await verify(revokedAt(at));
      expect(result.steps.find((x) => x.id === 'device')).toMatchObject({ status: 'fail', reason: expect.stringContaining('revoked') });
      expect(result.verified).toBe(false);
    }
    const later = await verify(revokedAt(r.timestamp + 1));
    expect(later.steps.find((x) => x.id === 'device')!.status).toBe('pass');
    expect(later.verified).toBe(true);
  });

  it('registry holds another key: signature fails', async () => {
    const r = allReadings.find((x) => x.keyType === 1)!;
    const otherP256 = vector.devices.find((d) => d.keyType === 1 && d.deviceId !== r.deviceId)!;
    const { sources } = sourcesFor(vectorBytes, {
      readDevice: async (deviceId) => device(deviceId, 1, otherP256.publicKey),
    });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    expect(result.steps.filter((x) => x.status !== 'pass').map((x) => x.id)).toEqual(['signature']);
  });

  it('on-chain root differs: step root fails and names both roots', async () => {
    const wrongRoot = `0x${'ab'.repeat(32)}` as Hex;
    const { sources } = sourcesFor(vectorBytes, { record: { root: wrongRoot } });
    const r = allReadings[0];
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    const root = result.steps.find((x) => x.id === 'root')!;
    expect(root.status).toBe('fail');
    expect(root.reason).toContain(wrongRoot);
    expect(root.reason).toContain(vector.root);
    expect(statuses(result.steps).contract).toBe('fail');
  });

  it('contract revert: step contract fails with the custom error name', async () => {
    const revert = Object.assign(new Error('execution reverted'), {
      cause: { data: { errorName: 'DataLoggerUnknownWindow', args: [BigInt(vector.windowStart)], abiItem: { inputs: [{ name: 'windowStart' }] } } },
    });
    const { sources } = sourcesFor(vectorBytes, {
      verifyOnChain: async () => {
        throw revert;
      },
    });
    const r = allReadings[0];
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    expect(result.steps.at(-1)).toMatchObject({
      id: 'contract',
      status: 'fail',
      reason: `The contract refused: DataLoggerUnknownWindow(windowStart: ${vector.windowStart}).`,
    });
  });

  it('a device frozen in the window by a fraud proof: step frozen refuses its readings, naming the device and the reason', async () => {
    const r = allReadings[0];
    const asked: [number, string][] = [];
    const { sources } = sourcesFor(vectorBytes, {
      readDeviceFreeze: async (start, deviceId) => {
        asked.push([start, deviceId]);
        return { reason: deviceId === r.deviceId ? 1 : 0, correctedLeaf: null };
      },
    });
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    expect(result.verified).toBe(false);
    expect(asked).toEqual([[vector.windowStart, r.deviceId]]);
    const frozen = result.steps.find((s) => s.id === 'frozen')!;
    expect(frozen.status).toBe('fail');
    expect(frozen.reason).toBe(
      `Device ${r.deviceId} is frozen in this window: a fraud proof on chain showed that a signature does not verify against the device's registered P-256 key (reason 1). None of its readings in this window can be proven until the DON records a correction.`,
    );
    // Every other step still runs and passes: the freeze alone refuses it.
    expect(result.steps.filter((s) => s.status !== 'pass').map((s) => s.id)).toEqual(['frozen']);

    // Another device of the same window is not affected.
    const other = allReadings.find((x) => x.deviceId !== r.deviceId)!;
    const ok = await verifyReading({ windowStart: vector.windowStart, deviceId: other.deviceId, counter: other.counter, sources });
    expect(ok.verified).toBe(true);
  });

  it('a corrected device passes step frozen and shows the corrected leaf', async () => {
    const leaf = `0x${'5a'.repeat(32)}` as Hex;
    const { sources } = sourcesFor(vectorBytes, { readDeviceFreeze: async () => ({ reason: 0, correctedLeaf: leaf }) });
    const r = allReadings[0];
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: r.deviceId, counter: r.counter, sources });
    expect(result.steps.find((s) => s.id === 'frozen')).toMatchObject({
      status: 'pass',
      values: expect.arrayContaining([{ label: expect.stringContaining('corrected'), value: leaf }]),
    });
  });

  it('reading not in the document: reading fails and the proofs are skipped', async () => {
    const { sources } = sourcesFor(vectorBytes);
    const result = await verifyReading({ windowStart: vector.windowStart, deviceId: 'SOLR_0001', counter: 999, sources });
    expect(statuses(result.steps)).toMatchObject({ cid: 'pass', reading: 'fail', signature: 'skipped', 'reading-proof': 'skipped', contract: 'skipped' });
    expect(result.steps.find((x) => x.id === 'reading')!.reason).toContain('999');
  });

  it('reports progress: each step goes running then settles', async () => {
    const { sources } = sourcesFor(vectorBytes);
    const seen: string[] = [];
    const r = allReadings[0];
    await verifyReading({
      windowStart: vector.windowStart,
      deviceId: r.deviceId,
      counter: r.counter,
      sources,
      onProgress: (steps) => seen.push(steps.map((s) => s.status[0]).join('')),
    });
    expect(seen[0]).toBe('rppppppppp');
    expect(seen.at(-1)).toBe('pppppppppp');
    expect(seen).toHaveLength(20);
  });
});

describe('verifySignature', () => {
  const device = vector.devices.find((d) => d.keyType === 1)!;
  const signed = decodeSignedReading(fromHex(device.readings[0].signed));
  const publicKey = fromHex(device.publicKey);

  it('accepts the low-S vector signature', async () => {
    const r = await verifySignature(crypto.subtle, 1, publicKey, signed.readingBytes, signed.signature);
    expect(r).toMatchObject({ valid: true, method: expect.stringContaining('WebCrypto ECDSA') });
  });

  it('rejects the high-S twin that WebCrypto alone would accept', async () => {
    const n = p256.Point.CURVE().n;
    const highS = concatBytes(signed.signature.subarray(0, 32), uintToBytes(n - bytesToUint(signed.signature.subarray(32)), 32));
    const webcryptoAlone = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      await crypto.subtle.importKey('raw', concatBytes(Uint8Array.of(4), publicKey) as BufferSource, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']),
      highS as BufferSource,
      signed.readingBytes as BufferSource,
    );
    expect(webcryptoAlone).toBe(true);
    const r = await verifySignature(crypto.subtle, 1, publicKey, signed.readingBytes, highS);
    expect(r).toMatchObject({ valid: false, reason: expect.stringContaining('not low-S') });
  });

  it('rejects a one-bit change of the reading', async () => {
    const changed = signed.readingBytes.slice();
    changed[29] ^= 1;
    expect((await verifySignature(crypto.subtle, 1, publicKey, changed, signed.signature)).valid).toBe(false);
  });

  it('rejects malformed keys and unknown key types with a reason', async () => {
    expect(await verifySignature(crypto.subtle, 1, publicKey.subarray(0, 32), signed.readingBytes, signed.signature)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('64 bytes x‖y, got 32'),
    });
    expect(await verifySignature(crypto.subtle, 7, publicKey, signed.readingBytes, signed.signature)).toMatchObject({
      valid: false,
      reason: 'Unknown key type 7.',
    });
    expect(toHex(signed.signature)).toHaveLength(130);
  });
});

describe('verifySignature agrees with the DON (noble reference), both ways', () => {
  const noble = nobleSignatureVerifier();
  const readings = [
    ...projectSignatureVectors().map((v) => ({
      name: v.name,
      keyType: v.keyType,
      publicKey: fromHex(v.publicKey),
      readingBytes: fromHex(v.reading),
      signature: fromHex(v.signature),
    })),
    ...vector.devices.flatMap((d) =>
      d.readings.map((r) => {
        const s = decodeSignedReading(fromHex(r.signed));
        return {
          name: `${d.deviceId} #${s.reading.counter}`,
          keyType: d.keyType,
          publicKey: fromHex(d.publicKey),
          readingBytes: s.readingBytes,
          signature: s.signature,
        };
      }),
    ),
  ];

  it('every project vector reading noble accepts, the dApp accepts; every one noble refuses, the dApp refuses', async () => {
    const pairs = await Promise.all(
      readings.map(async (r) => {
        const don = noble.verify({ readingBytes: r.readingBytes, signature: r.signature, key: { keyType: r.keyType as 1 | 2, publicKey: r.publicKey } });
        const dapp = await verifySignature(crypto.subtle, r.keyType, r.publicKey, r.readingBytes, r.signature);
        return [r.name, don === true, dapp.valid];
      }),
    );
    expect(pairs.filter(([, don, dapp]) => don !== dapp)).toEqual([]);
    expect(pairs.filter(([, don]) => don).length).toBeGreaterThan(vector.readingCount);
    expect(pairs.filter(([, don]) => !don).length).toBeGreaterThan(20);
  });

  it('the held-out Ed25519 case (R shifted by a small-order point) is refused, and WebCrypto Ed25519 is used in Node', async () => {
    const v = projectSignatureVectors().find((x) => x.name.startsWith('ed25519: R shifted'))!;
    const r = await verifySignature(crypto.subtle, 2, fromHex(v.publicKey), fromHex(v.reading), fromHex(v.signature));
    expect(r).toEqual({ valid: false, method: 'WebCrypto Ed25519 over SHA-256(reading)' });
    expect(noble.verify({ readingBytes: fromHex(v.reading), signature: fromHex(v.signature), key: { keyType: 2, publicKey: fromHex(v.publicKey) } })).toBe(
      false,
    );
  });
});
