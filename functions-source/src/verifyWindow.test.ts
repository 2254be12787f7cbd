import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import {
  bytesToUint,
  concatBytes,
  decodeSignedReading,
  encodeSignedReading,
  decodeWindowReport,
  fromHex,
  toHex,
  uintToBytes,
  InvalidWindowDocumentError,
  READING_LAYOUT,
  READING_LENGTH,
  SIGNED_READING_LENGTH,
  batchKinds,
  readingFieldBytes,
  type WindowDocument,
} from '@gridproof/protocol';
import { batchVerifiers, verifyWindow, type VerifyWindowParameters } from './verifyWindow.js';
import { WindowVerificationCode as Code, WindowVerificationError } from './errors.js';
import {
  WINDOW_SECONDS,
  WINDOW_START,
  buildWindow,
  encode,
  reading,
  signed,
  vector,
  vectorBytes,
  vectorDocument,
  revokedKey,
  vectorKeys,
  verifyParams,
} from './testing/windowFixture.js';

const params = verifyParams;

/** Runs verifyWindow expecting a WindowVerificationError; returns it for further checks. */
function rejection(p: VerifyWindowParameters, code: string, ...mentions: string[]): WindowVerificationError {
  let caught: unknown;
  try {
    verifyWindow(p);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WindowVerificationError);
  const err = caught as WindowVerificationError;
  expect(err.code).toBe(code);
  for (const m of mentions) expect(err.message).toContain(m);
  return err;
}

function mutated(change: (doc: WindowDocument) => void): Uint8Array {
  const doc = vectorDocument();
  change(doc);
  return encode(doc);
}

/** Flips one byte of one signed reading in the vector document, without re-signing. */
function flipped(device: number, index: number, byteOffset: number, mask = 0x01): Uint8Array {
  return mutated((doc) => {
    const bytes = fromHex(doc.devices[device].readings[index]);
    bytes[byteOffset] ^= mask;
    doc.devices[device].readings[index] = toHex(bytes);
  });
}

// Vector window: devices[0] INDU_0042 (Ed25519, counters 10-14), devices[1] SOLR_0001 (P-256, 10-13,
// baseline #9), devices[2] SOLR_0002 (P-256, 10-12).
const T = WINDOW_START;

describe('verifyWindow on the protocol test vector', () => {
  it('accepts it and gives exactly the vector report, payload and CID', () => {
    const out = verifyWindow(params(vectorBytes()));
    expect(out.payload).toBe(vector.report);
    expect(out.cid).toBe(vector.cid);
    expect(out.report).toEqual({
      windowStart: vector.windowStart,
      windowSeconds: vector.windowSeconds,
      root: vector.root,
      cidDigest: vector.cidDigest,
      deviceCount: 3,
      readingCount: 12,
      energyWh: 235n,
    });
    expect(decodeWindowReport(out.payload)).toEqual(out.report);
  });

  it('accepts a window built afresh by the protocol builder (builder and verifier agree)', () => {
    const bytes = buildWindow([
      { deviceId: 'SOLR_0002', readings: [signed(reading('SOLR_0002', 5, T + 299, 70)), signed(reading('SOLR_0002', 4, T, 70))] },
      { deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 1, T + 1, 10))], baseline: signed(reading('SOLR_0001', 0, T - 1, 4)) },
    ]);
    const out = verifyWindow(params(bytes));
    expect(out.report).toMatchObject({ deviceCount: 2, readingCount: 3, energyWh: 6n });
  });

  it("verifies a window holding a revoked device whose readings all precede revokedAt (boundary: the last at revokedAt − 1), with the honest devices' totals", () => {
    // SOLR_0001's last reading is at T + 180; INDU_0042 and SOLR_0002 are its honest neighbours in the same window.
    for (const revokedAt of [T + 181, T + 3600]) {
      const keys = { ...vectorKeys(), SOLR_0001: revokedKey(vectorKeys().SOLR_0001!, revokedAt) };
      const out = verifyWindow(params(vectorBytes(), { deviceKeys: keys }));
      expect(out.payload).toBe(vector.report);
      expect(out.report).toMatchObject({ deviceCount: 3, readingCount: 12, energyWh: 235n });
    }
    // Every device revoked after its last reading: still the vector's report.
    const all = Object.fromEntries(Object.entries(vectorKeys()).map(([id, k]) => [id, revokedKey(k, T + 243)]));
    expect(verifyWindow(params(vectorBytes(), { deviceKeys: all })).payload).toBe(vector.report);
  });

  it('ignores registry entries of devices not in the window', () => {
    const keys = { ...vectorKeys(), ZZZZ_9999: { keyType: 1 as const, publicKey: new Uint8Array(64), revokedAt: 1, active: false } };
    expect(verifyWindow(params(vectorBytes(), { deviceKeys: keys })).payload).toBe(vector.report);
  });
});

describe('verifyWindow rejects', () => {
  it('non-canonical bytes (same JSON, whitespace added)', () => {
    const text = new TextDecoder().decode(vectorBytes());
    const spaced = new TextEncoder().encode(JSON.stringify(JSON.parse(text), null, 1));
    rejection(params(spaced), Code.DOCUMENT_NOT_CANONICAL, 'canonical');
    rejection(params(new TextEncoder().encode('{"devices":')), Code.DOCUMENT_NOT_CANONICAL);
  });

  it('an unknown document version', () => {
    rejection(params(mutated((d) => (d.version = 2))), Code.VERSION_UNSUPPORTED, 'version 2');
  });

  it('an unknown or missing batch kind', () => {
    const err = rejection(params(mutated((d) => Object.assign(d, { kind: 'grid-status' }))), Code.KIND_UNSUPPORTED, '"grid-status"');
    expect(err.location).toMatchObject({ position: 'kind', kind: 'grid-status' });
    rejection(params(mutated((d) => delete (d as Partial<WindowDocument>).kind)), Code.DOCUMENT_MALFORMED, 'missing key "kind"');
  });

  it('has a verifier for every kind protocol registers, and only those', () => {
    expect(Object.keys(batchVerifiers).sort()).toEqual(Object.keys(batchKinds).sort());
  });

  it('a document of another window or window length', () => {
    rejection(params(vectorBytes(), { expectedWindowStart: T + 300 }), Code.WINDOW_MISMATCH, `expected window ${T + 300}`);
    rejection(params(vectorBytes(), { windowSeconds: 600 }), Code.WINDOW_MISMATCH, '(600 s)');
    rejection(
      params(
        mutated((d) => (d.windowStart = T + 300)),
        { expectedWindowStart: T },
      ),
      Code.WINDOW_MISMATCH,
    );
  });

  it('bad call arguments', () => {
    rejection(params(vectorBytes(), { windowSeconds: 7 }), Code.INVALID_ARGUMENTS);
    rejection(params(vectorBytes(), { expectedWindowStart: T + 1 }), Code.INVALID_ARGUMENTS);
  });

  it("extra, missing or mistyped fields, through protocol's strict parseWindowDocument (the key is named)", () => {
    const unknown = rejection(params(mutated((d) => Object.assign(d, { note: 'x' }))), Code.DOCUMENT_MALFORMED, 'unknown key "note"');
    expect(unknown.location).toMatchObject({ position: 'note', reason: 'UNKNOWN_KEY' });
    expect(unknown.cause).toBeInstanceOf(InvalidWindowDocumentError);
    rejection(params(mutated((d) => Object.assign(d.devices[1], { bonusWh: 1 }))), Code.DOCUMENT_MALFORMED, 'devices[1]', 'bonusWh');
    const missing = rejection(
      params(mutated((d) => delete (d.devices[2] as Partial<WindowDocument['devices'][0]>).baseline)),
      Code.DOCUMENT_MALFORMED,
      'missing key "baseline"',
    );
    expect(missing.location).toMatchObject({ position: 'devices[2].baseline', reason: 'MISSING_KEY' });
    const mistyped = rejection(
      params(mutated((d) => Object.assign(d, { windowStart: String(T) }))),
      Code.DOCUMENT_MALFORMED,
      'windowStart',
      'non-negative integer',
    );
    expect(mistyped.location).toMatchObject({ position: 'windowStart', reason: 'WRONG_TYPE' });
    rejection(params(mutated((d) => (d.devices = []))), Code.DOCUMENT_MALFORMED, 'no devices');
    rejection(params(mutated((d) => (d.devices[2].readings = []))), Code.DOCUMENT_MALFORMED, 'SOLR_0002', 'devices[2]');
  });

  it('devices out of order or duplicated', () => {
    const swapped = mutated((d) => ([d.devices[1], d.devices[2]] = [d.devices[2], d.devices[1]]));
    rejection(params(swapped), Code.DEVICES_NOT_SORTED, 'SOLR_0001', 'devices[2]');
    rejection(params(mutated((d) => (d.devices[2] = d.devices[1]))), Code.DEVICES_NOT_SORTED, 'devices[2]');
  });

  it('an unknown device', () => {
    const keys = vectorKeys();
    delete keys.SOLR_0002;
    rejection(params(vectorBytes(), { deviceKeys: keys }), Code.DEVICE_UNKNOWN, 'SOLR_0002', 'devices[2]');
    rejection(params(vectorBytes(), { deviceKeys: { ...vectorKeys(), INDU_0042: undefined } }), Code.DEVICE_UNKNOWN, 'INDU_0042');
  });

  it.each([
    // SOLR_0001 (devices[1]) reads at T, T+60, T+120, T+180 (counters 10-13).
    ['at its last reading', T + 180, 3, 13],
    ['between two readings', T + 100, 2, 12],
    ['at the window start', T, 0, 10],
    ['before the window', T - 3600, 0, 10],
  ])('a reading of a device revoked %s, with READING_AFTER_REVOCATION naming the first one at or after revokedAt', (_, revokedAt, j, counter) => {
    const timestamp = T + 60 * j;
    const err = rejection(
      params(vectorBytes(), { deviceKeys: { ...vectorKeys(), SOLR_0001: revokedKey(vectorKeys().SOLR_0001!, revokedAt) } }),
      Code.READING_AFTER_REVOCATION,
      `SOLR_0001#${counter}`,
      `devices[1].readings[${j}]`,
      `timestamp ${timestamp}`,
      `revocation at ${revokedAt}`,
    );
    expect(err.location).toEqual({ deviceId: 'SOLR_0001', counter, position: `devices[1].readings[${j}]`, timestamp, revokedAt });
  });
  // The window of a device revoked after its last reading is in "verifyWindow on the protocol test vector".

  it('a reading at or after revocation before its signature: it needs none, and a forged one is named for its timestamp', () => {
    const forged = signed(reading('SOLR_0001', 2, T + 20, 11), 'SOLR_0002');
    const bytes = buildWindow([{ deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 1, T + 10, 10)), forged] }]);
    const keys = { ...vectorKeys(), SOLR_0001: revokedKey(vectorKeys().SOLR_0001!, T + 20) };
    rejection(params(bytes, { deviceKeys: keys }), Code.READING_AFTER_REVOCATION, 'SOLR_0001#2', 'devices[0].readings[1]');
    rejection(params(bytes), Code.SIGNATURE_INVALID, 'SOLR_0001#2');
  });

  it('a reading that is not 107 bytes of hex', () => {
    const short = mutated((d) => (d.devices[2].readings[1] = d.devices[2].readings[1].slice(0, -2) as `0x${string}`));
    rejection(params(short), Code.READING_MALFORMED, 'SOLR_0002', 'devices[2].readings[1]');
    const upper = mutated((d) => (d.devices[2].readings[1] = d.devices[2].readings[1].toUpperCase().replace('0X', '0x') as `0x${string}`));
    rejection(params(upper), Code.READING_MALFORMED, 'devices[2].readings[1]');
  });

  it('a reading with a bad layout (status byte 2), naming its counter', () => {
    // Byte 42 is the status; anything but 0/1 is not a v1 reading, whatever the signature says.
    const err = rejection(
      params(flipped(2, 1, READING_LAYOUT.status.offset, 0x03)),
      Code.READING_MALFORMED,
      'SOLR_0002#11',
      'devices[2].readings[1]',
      'Status byte',
    );
    expect(err.location).toMatchObject({ deviceId: 'SOLR_0002', counter: 11, position: 'devices[2].readings[1]' });
  });

  it('a flipped byte in a reading (power field) under the old signature', () => {
    const err = rejection(params(flipped(1, 2, READING_LAYOUT.powerW.offset + 2)), Code.SIGNATURE_INVALID, 'SOLR_0001#12', 'devices[1].readings[2]');
    expect(err.location).toEqual({ deviceId: 'SOLR_0001', counter: 12, position: 'devices[1].readings[2]' });
  });

  it('a flipped signature byte, P-256 and Ed25519', () => {
    rejection(params(flipped(2, 0, READING_LENGTH + 5)), Code.SIGNATURE_INVALID, 'SOLR_0002#10', 'devices[2].readings[0]');
    rejection(params(flipped(0, 4, READING_LENGTH + 40)), Code.SIGNATURE_INVALID, 'INDU_0042#14', 'devices[0].readings[4]');
  });

  it('a valid signature by another device key', () => {
    const bytes = buildWindow([{ deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 1, T, 10), 'SOLR_0002')] }]);
    rejection(params(bytes), Code.SIGNATURE_INVALID, 'SOLR_0001#1', 'devices[0].readings[0]', 'does not verify');
  });

  it('a high-S P-256 signature (the same signature, s replaced by n - s)', () => {
    const n = p256.Point.CURVE().n;
    const bytes = mutated((d) => {
      const { readingBytes, signature } = decodeSignedReading(fromHex(d.devices[2].readings[2]));
      const s = bytesToUint(signature.subarray(32));
      d.devices[2].readings[2] = toHex(encodeSignedReading(readingBytes, concatBytes(signature.subarray(0, 32), uintToBytes(n - s, 32))));
    });
    rejection(params(bytes), Code.SIGNATURE_INVALID, 'SOLR_0002#12', 'devices[2].readings[2]', 'low-S');
  });

  it("a reading carrying another device's id", () => {
    const bytes = buildWindow([{ deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 1, T, 10)), signed(reading('SOLR_0002', 2, T + 1, 10))] }]);
    const err = rejection(params(bytes), Code.READING_DEVICE_MISMATCH, 'SOLR_0001#2', 'devices[0].readings[1]', 'SOLR_0002');
    expect(err.location.counter).toBe(2);
  });

  it.each([
    ['at the window end', T + WINDOW_SECONDS],
    ['before the window start', T - 1],
  ])('a reading timestamped %s', (_, ts) => {
    const bytes = buildWindow([{ deviceId: 'SOLR_0002', readings: [signed(reading('SOLR_0002', 1, T, 10)), signed(reading('SOLR_0002', 2, ts, 11))] }]);
    rejection(params(bytes), Code.READING_OUTSIDE_WINDOW, 'SOLR_0002#2', 'devices[0].readings[1]', `timestamp ${ts}`);
  });

  it('counters that do not strictly increase (swapped or repeated)', () => {
    const swapped = mutated((d) => ([d.devices[0].readings[1], d.devices[0].readings[2]] = [d.devices[0].readings[2], d.devices[0].readings[1]]));
    rejection(params(swapped), Code.COUNTER_NOT_INCREASING, 'INDU_0042#11', 'devices[0].readings[2]');
    const repeated = buildWindow([{ deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 3, T, 10)), signed(reading('SOLR_0001', 3, T + 5, 12))] }]);
    rejection(params(repeated), Code.COUNTER_NOT_INCREASING, 'SOLR_0001#3', 'devices[0].readings[1]');
  });

  it('cumulative energy going down', () => {
    // Down then up again, so the window's net energy is positive (a negative net is refused first, as TOTAL_OUT_OF_RANGE).
    const bytes = buildWindow([
      {
        deviceId: 'SOLR_0001',
        readings: [signed(reading('SOLR_0001', 3, T, 100)), signed(reading('SOLR_0001', 4, T + 5, 99)), signed(reading('SOLR_0001', 5, T + 6, 120))],
      },
    ]);
    rejection(params(bytes), Code.ENERGY_DECREASING, 'SOLR_0001#4', 'devices[0].readings[1]', '99 Wh');
  });

  describe('a bad baseline', () => {
    const first = () => signed(reading('SOLR_0001', 5, T + 10, 100));
    // A second reading at 110 Wh keeps the net energy positive whatever the baseline claims.
    const window = (baseline: Uint8Array) =>
      buildWindow([{ deviceId: 'SOLR_0001', readings: [first(), signed(reading('SOLR_0001', 6, T + 11, 110))], baseline }]);
    it.each([
      ['from another device', () => signed(reading('SOLR_0002', 4, T - 10, 90)), 'SOLR_0001#4', 'carries device id SOLR_0002'],
      ['with a counter not before the first', () => signed(reading('SOLR_0001', 5, T - 10, 90)), 'SOLR_0001#5', 'does not precede'],
      ['timestamped inside the window', () => signed(reading('SOLR_0001', 4, T, 90)), 'SOLR_0001#4', 'not before the window start'],
      ['with more energy than the first reading', () => signed(reading('SOLR_0001', 4, T - 10, 101)), 'SOLR_0001#4', 'above the first'],
      ['signed by another key', () => signed(reading('SOLR_0001', 4, T - 10, 90), 'SOLR_0002'), 'SOLR_0001#4', 'does not verify'],
    ])('%s', (_, baseline, name, why) => {
      const code = why === 'does not verify' ? Code.SIGNATURE_INVALID : Code.BASELINE_INVALID;
      const err = rejection(params(window(baseline())), code, name, 'devices[0].baseline', why);
      expect(err.location.position).toBe('devices[0].baseline');
    });

    it('a flipped byte in the vector baseline', () => {
      const bytes = mutated((d) => {
        const b = fromHex(d.devices[1].baseline!);
        b[30 + 7] ^= 0x02; // energy register
        d.devices[1].baseline = toHex(b);
      });
      rejection(params(bytes), Code.SIGNATURE_INVALID, 'SOLR_0001#9', 'devices[1].baseline');
    });
  });

  it.each([
    ['readingsRoot', (d: WindowDocument) => (d.devices[1].readingsRoot = d.devices[2].readingsRoot)],
    ['readingCount', (d: WindowDocument) => (d.devices[1].readingCount += 1)],
    ['firstCounter', (d: WindowDocument) => (d.devices[1].firstCounter -= 1)],
    ['lastCounter', (d: WindowDocument) => (d.devices[1].lastCounter += 1)],
    ['energyStartWh', (d: WindowDocument) => (d.devices[1].energyStartWh = 5_000)], // the first reading's energy, ignoring the baseline
    ['energyEndWh', (d: WindowDocument) => (d.devices[1].energyEndWh += 1)],
    ['energyWh', (d: WindowDocument) => (d.devices[1].energyWh += 1)],
    ['baselineLeaf', (d: WindowDocument) => (d.devices[1].baselineLeaf = `0x${'00'.repeat(32)}`)],
  ])('a wrong claimed device %s', (field, change) => {
    const err = rejection(params(mutated(change)), Code.DEVICE_SUMMARY_MISMATCH, 'SOLR_0001', `devices[1]`, `claims ${field}`);
    expect(err.location).toMatchObject({ deviceId: 'SOLR_0001', position: `devices[1].${field}`, field });
  });

  it('a baseline dropped while energyStartWh still claims it', () => {
    rejection(params(mutated((d) => (d.devices[1].baseline = null))), Code.DEVICE_SUMMARY_MISMATCH, 'claims energyStartWh 4990');
  });

  it.each([
    ['root', (d: WindowDocument) => (d.root = d.devices[0].readingsRoot)],
    ['deviceCount', (d: WindowDocument) => (d.deviceCount = 2)],
    ['readingCount', (d: WindowDocument) => (d.readingCount = 13)],
    ['energyWh', (d: WindowDocument) => (d.energyWh = 1_000_000n)],
  ])('a wrong claimed window %s', (field, change) => {
    const err = rejection(params(mutated(change)), Code.WINDOW_SUMMARY_MISMATCH, `claims ${field}`);
    expect(err.location).toMatchObject({ position: field, field });
  });

  it('a reading dropped together with consistent device claims but a stale window root', () => {
    // Tamper coherently at device level; only the window root (what the chain stores) catches it.
    const bytes = mutated((d) => {
      const solr2 = d.devices[2];
      solr2.readings.pop();
      solr2.readingCount -= 1;
      solr2.lastCounter -= 1;
      const last = fromHex(solr2.readings[solr2.readings.length - 1]);
      solr2.energyEndWh = Number(bytesToUint(readingFieldBytes(last, 'energyWh')));
      solr2.energyWh = solr2.energyEndWh - solr2.energyStartWh;
    });
    // readingsRoot is still the old one.
    rejection(params(bytes), Code.DEVICE_SUMMARY_MISMATCH, 'SOLR_0002', 'readingsRoot');
  });

  it('every rejection is a ProtocolError with a stable code (the API can forward it)', () => {
    const err = rejection(params(flipped(1, 0, READING_LENGTH + 7)), Code.SIGNATURE_INVALID);
    expect(err.name).toBe('WindowVerificationError');
    expect(err.details).toEqual(err.location);
    expect(SIGNED_READING_LENGTH).toBe(107);
  });
});

describe('verifyWindow totals are exact and in range', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  // Rises of 2^53−1, 2^53−2 and 2526 Wh: 18014398509484507 Wh, which a double would round to …504.
  const bigWindow = () =>
    buildWindow([
      { deviceId: 'SOLR_0001', readings: [signed(reading('SOLR_0001', 1, T, 0)), signed(reading('SOLR_0001', 2, T + 1, MAX))] },
      { deviceId: 'SOLR_0002', readings: [signed(reading('SOLR_0002', 1, T, 1)), signed(reading('SOLR_0002', 2, T + 1, MAX))] },
      { deviceId: 'INDU_0042', readings: [signed(reading('INDU_0042', 1, T, 1000)), signed(reading('INDU_0042', 2, T + 1, 3526))] },
    ]);

  it('reports energyWh 18014398509484507 exactly, in the report and in the payload word', () => {
    const out = verifyWindow(params(bigWindow()));
    expect(out.report.energyWh).toBe(18014398509484507n);
    expect(bytesToUint(fromHex(out.payload).subarray(6 * 32, 7 * 32))).toBe(18014398509484507n);
    expect(decodeWindowReport(out.payload).energyWh).toBe(18014398509484507n);
  });

  it.each<[string, (d: WindowDocument) => void, string, string]>([
    ['a window energyWh above uint64', (d) => (d.energyWh = 2n ** 64n), 'energyWh', '18446744073709551616'],
    ['a negative window energyWh', (d) => (d.energyWh = -1n), 'energyWh', '-1'],
    ['a negative device energyWh', (d) => (d.devices[1].energyWh = -5), 'devices[1].energyWh', '-5'],
    ['a readingCount above uint32', (d) => (d.readingCount = 2 ** 32), 'readingCount', '4294967296'],
    ['a device readingCount above uint32', (d) => (d.devices[0].readingCount = 2 ** 32), 'devices[0].readingCount', '4294967296'],
  ])('refuses %s with TOTAL_OUT_OF_RANGE, naming the field and value', (_, change, field, value) => {
    const err = rejection(params(mutated(change)), Code.TOTAL_OUT_OF_RANGE, field, value);
    expect(err.location).toMatchObject({ position: field, field, value });
  });

  it('a total mismatch carries decimal strings in its location (JSON-safe)', () => {
    const err = rejection(params(mutated((d) => (d.energyWh = 2n ** 60n))), Code.WINDOW_SUMMARY_MISMATCH, 'claims energyWh 1152921504606846976');
    expect(err.location).toMatchObject({ claimed: '1152921504606846976', recomputed: '235' });
    expect(() => JSON.stringify(err.location)).not.toThrow();
  });
});
