import { describe, expect, it } from 'vitest';
import {
  READING_LAYOUT,
  concatBytes,
  decodeSignedReading,
  encodeReading,
  encodeSignedReading,
  fromHex,
  readingDigest,
  toHex,
  uintToBytes,
  bytesToUint,
  type WindowDocument,
} from '@gridproof/protocol';
import { projectSignatureVectors } from '@gridproof/protocol/verifiers/test-vectors';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { verifyWindow } from './verifyWindow.js';
import { nobleVerifier, verifyWindowAsync, webCryptoVerifier } from './verifyWindowAsync.js';
import * as fixture from './testing/windowFixture.js';

const { WINDOW_START, buildWindow, encode, fixtureDevices, reading, signed, vector, vectorBytes, vectorDocument, vectorKeys } = fixture;
const params = fixture.verifyParams;
const outcome = async (f: () => unknown) => {
  try {
    return { ok: await f() };
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
};
function mutated(change: (doc: WindowDocument) => void): Uint8Array {
  const doc = vectorDocument();
  change(doc);
  return encode(doc);
}
/** Flips the low bit of byte `i`, in place. */
const flip = (s: Uint8Array, i: number) => {
  s[i] ^= 1;
  return s;
};
const withSignature = (device: number, index: number, sig: (s: Uint8Array) => Uint8Array) =>
  mutated((doc) => {
    const { readingBytes, signature } = decodeSignedReading(fromHex(doc.devices[device].readings[index]));
    doc.devices[device].readings[index] = toHex(encodeSignedReading(readingBytes, sig(signature)));
  });
const n = p256.Point.CURVE().n;

describe('verifyWindowAsync (WebCrypto P-256) agrees with verifyWindow (noble)', () => {
  const cases: [string, Uint8Array][] = [
    ['the vector', vectorBytes()],
    ['a flipped signature byte (P-256)', withSignature(1, 1, (s) => flip(s, 5))],
    ['a flipped signature byte (Ed25519)', withSignature(0, 2, (s) => flip(s, 5))],
    ['a high-S P-256 signature', withSignature(2, 0, (s) => concatBytes(s.subarray(0, 32), uintToBytes(n - bytesToUint(s.subarray(32)), 32)))],
    ['r = 0', withSignature(1, 0, (s) => concatBytes(new Uint8Array(32), s.subarray(32)))],
    [
      'a flipped reading byte',
      mutated((doc) => {
        const b = fromHex(doc.devices[2].readings[1]);
        b[READING_LAYOUT.energyWh.offset] ^= 1;
        doc.devices[2].readings[1] = toHex(b);
      }),
    ],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      const sync = await outcome(() => verifyWindow(params(bytes)));
      const web = await outcome(() => verifyWindowAsync({ ...params(bytes), verifier: webCryptoVerifier(crypto.subtle) }));
      const noble = await outcome(() => verifyWindowAsync({ ...params(bytes), verifier: nobleVerifier }));
      expect(web).toEqual(sync);
      expect(noble).toEqual(sync);
      if (name === 'the vector') expect((sync.ok as { payload: string }).payload).toBe(vector.report);
    });
  }

  it.each([
    ['at its last reading (refused)', WINDOW_START + 180, 'WINDOW_READING_AFTER_REVOCATION'],
    ['one second after it (verified)', WINDOW_START + 181, undefined],
  ])('a device revoked %s', async (_, revokedAt, code) => {
    const p = { ...params(vectorBytes()), deviceKeys: { ...vectorKeys(), SOLR_0001: fixture.revokedKey(vectorKeys().SOLR_0001!, revokedAt) } };
    const sync = await outcome(() => verifyWindow(p));
    expect(await outcome(() => verifyWindowAsync({ ...p, verifier: webCryptoVerifier(crypto.subtle) }))).toEqual(sync);
    expect(await outcome(() => verifyWindowAsync({ ...p, verifier: nobleVerifier }))).toEqual(sync);
    if (code) expect(sync.code).toBe(code);
    else expect((sync.ok as { payload: string }).payload).toBe(vector.report);
  });

  it('a key that is not a curve point verifies nothing (false, as noble answers)', async () => {
    const keys = vectorKeys();
    keys.SOLR_0001 = { ...keys.SOLR_0001!, publicKey: new Uint8Array(64).fill(7) };
    const p = { ...params(vectorBytes()), deviceKeys: keys };
    const web = await outcome(() => verifyWindowAsync({ ...p, verifier: webCryptoVerifier(crypto.subtle) }));
    expect(web).toEqual(await outcome(() => verifyWindow(p)));
    expect(web.code).toBe('WINDOW_SIGNATURE_INVALID');
  });
});

describe('one signature policy in both DON paths', () => {
  /** INDU_0042's reading signed with R shifted by a point of order 8 and S recomputed for that R: cofactored verifiers accept it. */
  function shiftedR(readingBytes: Uint8Array): Uint8Array {
    const { Point } = ed25519;
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(fixtureDevices.INDU_0042.privateKey);
    let T = Point.ZERO;
    for (let i = 1; T.multiplyUnsafe(4n).is0(); i++) {
      try {
        const p = Point.fromBytes(Uint8Array.of(i, ...new Uint8Array(31)));
        T = p.multiplyUnsafe(Point.Fn.ORDER - 1n).add(p);
      } catch {
        // not a point
      }
    }
    const le = (b: Uint8Array) => bytesToUint(b.slice().reverse());
    const r = 12345678901234567890n;
    const R = Point.BASE.multiply(r).add(T).toBytes();
    const k = Point.Fn.create(le(sha512(concatBytes(R, pointBytes, readingDigest(readingBytes)))));
    return concatBytes(R, uintToBytes(Point.Fn.create(r + k * scalar), 32).reverse());
  }

  it('a window holding an Ed25519 signature whose R is shifted by a small-order point is refused by noble and WebCrypto alike', async () => {
    const bytes = encodeReading(reading('INDU_0042', 1, WINDOW_START + 1, 10));
    const forged = shiftedR(bytes);
    expect(ed25519.verify(forged, readingDigest(bytes), vectorKeys().INDU_0042!.publicKey)).toBe(true); // what the DON used to accept
    const honest = buildWindow([{ deviceId: 'INDU_0042', readings: [signed(reading('INDU_0042', 1, WINDOW_START + 1, 10))] }]);
    expect((await outcome(() => verifyWindow(params(honest)))).ok).toBeDefined();
    const doc = buildWindow([{ deviceId: 'INDU_0042', readings: [encodeSignedReading(bytes, forged)] }]);
    const sync = await outcome(() => verifyWindow(params(doc)));
    expect(sync.code).toBe('WINDOW_SIGNATURE_INVALID');
    expect(await outcome(() => verifyWindowAsync({ ...params(doc), verifier: webCryptoVerifier(crypto.subtle) }))).toEqual(sync);
    expect(await outcome(() => verifyWindowAsync({ ...params(doc), verifier: nobleVerifier }))).toEqual(sync);
  });

  it('webCryptoVerifier and nobleVerifier give the same verdicts on every project signature vector', async () => {
    const checks = projectSignatureVectors().map((v) => ({
      readingBytes: fromHex(v.reading),
      signature: fromHex(v.signature),
      key: { keyType: v.keyType as 1 | 2, publicKey: fromHex(v.publicKey), revokedAt: 0, active: true },
    }));
    const kind = (x: unknown) => (x instanceof Error ? 'format' : x ? 'valid' : 'invalid');
    const web = (await webCryptoVerifier(crypto.subtle)(checks)).map(kind);
    expect(web).toEqual((await nobleVerifier(checks)).map(kind));
    expect(web).toEqual(projectSignatureVectors().map((v) => v.expected));
  });
});
