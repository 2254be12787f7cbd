import { readFileSync } from 'node:fs';
import { verify as nodeVerify, createPublicKey, webcrypto } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { InvalidSignatureFormatError } from '../errors.js';
import { KeyType, readingDigest, signatureFormatProblem, type SignatureVerdict } from '../signature.js';
import { nobleSignatureVerifier } from './noble.js';
import { nodeSignatureVerifier } from './node.js';
import { buildSignatureVectors, type SignatureExpectation, type SignatureVector } from './signatureVectors.js';
import { ED25519_KNOWN_ANSWERS, webCryptoSignatureVerifier } from './webcrypto.js';
import { wycheproofCases } from './wycheproof.js';
import { signatureVerdictCases } from './testVectors.js';
import { runVectorVerdicts } from './vectorVerdicts.js';

const projectVectors: SignatureVector[] = JSON.parse(readFileSync(new URL('../../test-vectors/signatures.json', import.meta.url), 'utf8')).cases;
const wycheproof = wycheproofCases();

const outcome = (v: SignatureVerdict): SignatureExpectation => (v instanceof InvalidSignatureFormatError ? 'format' : v ? 'valid' : 'invalid');

const web = webCryptoSignatureVerifier(webcrypto.subtle as SubtleCrypto);
const webNobleEd = webCryptoSignatureVerifier(webcrypto.subtle as SubtleCrypto, { ed25519: 'noble' });
const adapters = [
  { name: 'noble', verifyMessage: nobleSignatureVerifier().verifyMessage, verify: nobleSignatureVerifier().verify },
  { name: 'node', verifyMessage: nodeSignatureVerifier().verifyMessage, verify: nodeSignatureVerifier().verify },
  { name: 'webcrypto (Node)', verifyMessage: web.verifyMessage, verify: web.verify },
  { name: 'webcrypto, Ed25519 on noble', verifyMessage: webNobleEd.verifyMessage, verify: webNobleEd.verify },
];

describe('project signature vectors (test-vectors/signatures.json)', () => {
  it('are exactly what buildSignatureVectors() produces (regenerate the JSON from it when the policy changes)', () => {
    expect(projectVectors).toEqual(JSON.parse(JSON.stringify(buildSignatureVectors())));
  });

  it('cover both key types and the three outcomes', () => {
    expect(new Set(projectVectors.map((v) => `${v.keyType}:${v.expected}`))).toEqual(
      new Set(['1:valid', '1:invalid', '1:format', '2:valid', '2:invalid', '2:format', '3:format']),
    );
  });

  it.each(adapters)('$name gives every expected verdict', async (adapter) => {
    const got = await Promise.all(
      projectVectors.map(async (v) => [
        v.name,
        outcome(
          await adapter.verify({
            readingBytes: fromHex(v.reading),
            signature: fromHex(v.signature),
            key: { keyType: v.keyType as KeyType, publicKey: fromHex(v.publicKey) },
          }),
        ),
      ]),
    );
    expect(got).toEqual(projectVectors.map((v) => [v.name, v.expected]));
  });

  it('the held-out case: noble ed25519.verify (cofactored, its default) accepts the shifted R, OpenSSL refuses it, as does the policy', () => {
    const v = projectVectors.find((x) => x.name.startsWith('ed25519: R shifted by a small-order point'))!;
    const message = readingDigest(fromHex(v.reading));
    expect(ed25519.verify(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true);
    expect(ed25519.verify(fromHex(v.signature), message, fromHex(v.publicKey), { zip215: false })).toBe(true);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(fromHex(v.publicKey)).toString('base64url') }, format: 'jwk' });
    expect(nodeVerify(null, message, key, fromHex(v.signature))).toBe(false);
    expect(v.expected).toBe('invalid');
  });

  it('OpenSSL alone accepts a small-order R or key that satisfies the equation; the format checks refuse them first', () => {
    const cases = projectVectors.filter((x) => x.note === 'OpenSSL alone accepts it' || x.note?.startsWith('OpenSSL alone accepts it'));
    expect(cases.length).toBe(2);
    for (const v of cases) {
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(fromHex(v.publicKey)).toString('base64url') }, format: 'jwk' });
      expect(nodeVerify(null, readingDigest(fromHex(v.reading)), key, fromHex(v.signature)), v.name).toBe(true);
      expect(signatureFormatProblem(v.keyType, fromHex(v.publicKey), fromHex(v.signature))?.rule).toMatch(/SMALL_ORDER/);
    }
  });

  it("the WebCrypto adapter's Ed25519 known answers are the project vectors", () => {
    for (const kat of ED25519_KNOWN_ANSWERS) {
      const v = projectVectors.find((x) => x.signature === kat.signature && x.publicKey === kat.publicKey);
      expect(v, kat.name).toBeDefined();
      expect([v!.reading, v!.expected]).toEqual([kat.reading, kat.expected ? 'valid' : 'invalid']);
    }
  });

  it("Node's WebCrypto passes the known answers, so Ed25519 runs on it natively", async () => {
    expect(await web.backend.ed25519Support()).toEqual({ native: true });
    expect(web.method(KeyType.ED25519)).toBe('WebCrypto Ed25519 over SHA-256(reading)');
    expect(webNobleEd.method(KeyType.ED25519)).toMatch(/^noble Ed25519/);
  });

  it('a WebCrypto whose Ed25519 is cofactored is not used for Ed25519: noble answers instead', async () => {
    const subtle = webcrypto.subtle as SubtleCrypto;
    // A stand-in platform: WebCrypto, except Ed25519 verification is noble's cofactored ed25519.verify.
    const rawKeys = new WeakMap<CryptoKey, Uint8Array>();
    const cofactored = new Proxy(subtle, {
      get(target, prop) {
        if (prop === 'importKey') {
          return async (format: 'raw', raw: Uint8Array, alg: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]) => {
            const key = await target.importKey(format, raw as BufferSource, alg, extractable, usages);
            rawKeys.set(key, new Uint8Array(raw));
            return key;
          };
        }
        if (prop !== 'verify') return Reflect.get(target, prop).bind(target);
        return async (alg: AlgorithmIdentifier, key: CryptoKey, sig: Uint8Array, data: Uint8Array) => {
          if ((alg as Algorithm).name !== 'Ed25519') return target.verify(alg, key, sig as BufferSource, data as BufferSource);
          return ed25519.verify(sig, data, rawKeys.get(key)!);
        };
      },
    });
    const v = webCryptoSignatureVerifier(cofactored);
    const shifted = projectVectors.find((x) => x.name.startsWith('ed25519: R shifted'))!;
    const check = {
      readingBytes: fromHex(shifted.reading),
      signature: fromHex(shifted.signature),
      key: { keyType: KeyType.ED25519, publicKey: fromHex(shifted.publicKey) },
    };
    expect(await v.verify(check)).toBe(false);
    expect(await v.backend.ed25519Support()).toMatchObject({ native: false, reason: expect.stringContaining('R shifted by a small-order point') });
    expect(v.method(KeyType.ED25519)).toMatch(/^noble Ed25519.*R shifted/);
  });
});

describe('Wycheproof ECDSA P-256 SHA-256 (P1363) and Ed25519 vectors, low-S policy', () => {
  it('are all there, with the high-S "valid" ones expected as format refusals', () => {
    expect(wycheproof.filter((c) => c.keyType === 1)).toHaveLength(262);
    expect(wycheproof.filter((c) => c.keyType === 2)).toHaveLength(151);
    const highS = wycheproof.filter((c) => c.keyType === 1 && c.wycheproof === 'valid' && c.expected === 'format');
    expect(highS.length).toBeGreaterThan(10);
    expect(wycheproof.filter((c) => c.wycheproof === 'invalid' && c.expected === 'valid')).toEqual([]);
  });

  it.each(adapters)('$name gives the mapped verdict on every vector', async (adapter) => {
    const got = await Promise.all(
      wycheproof.map(async (c) => [c.id, outcome(await adapter.verifyMessage(c.keyType, fromHex(c.publicKey), fromHex(c.message), fromHex(c.signature)))]),
    );
    expect(got).toEqual(wycheproof.map((c) => [c.id, c.expected]));
  });
});

describe('format checks', () => {
  it('the small-order Ed25519 y values are exactly those of the eight torsion points', () => {
    const { Point } = ed25519;
    const L = Point.Fn.ORDER;
    let T = Point.ZERO;
    for (let i = 0; T.multiplyUnsafe(4n).is0(); i++) {
      const seed = new Uint8Array(32);
      seed[0] = i;
      try {
        const p = Point.fromBytes(seed);
        T = p.multiplyUnsafe(L - 1n).add(p);
      } catch {
        // not a point
      }
    }
    const key = fromHex('0x7dcac972096f90a7f00cf95048a75279e7f677b23311e0009ec15318091f810b');
    const sig = new Uint8Array(64);
    const sigWithBaseR = new Uint8Array(64);
    sigWithBaseR.set(Point.BASE.toBytes(), 0);
    let Q = Point.ZERO;
    for (let k = 0; k < 8; k++, Q = Q.add(T)) {
      sig.set(Q.toBytes(), 0);
      expect(signatureFormatProblem(KeyType.ED25519, key, sig)?.rule, toHex(Q.toBytes())).toBe('ED25519_R_SMALL_ORDER');
      expect(signatureFormatProblem(KeyType.ED25519, Q.toBytes(), sigWithBaseR)?.rule).toBe('ED25519_KEY_SMALL_ORDER');
    }
    sig.set(Point.BASE.toBytes(), 0);
    expect(signatureFormatProblem(KeyType.ED25519, key, sig)).toBeUndefined();
  });

  it('many Ed25519 signatures for a P-256 key all get the same verdict: false, never a format error', () => {
    const priv = new Uint8Array(32).fill(3);
    const key = { keyType: KeyType.P256, publicKey: fromHex(projectVectors[0].publicKey) };
    const verdicts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      priv[0] = i;
      const readingBytes = fromHex(projectVectors[0].reading);
      const signature = ed25519.sign(readingDigest(readingBytes), priv);
      for (const a of adapters.slice(0, 2)) verdicts.add(outcome(a.verify({ readingBytes, signature, key }) as SignatureVerdict));
    }
    expect([...verdicts]).toEqual(['invalid']);
  });
});

describe('runVectorVerdicts (the loop the Deno and Chromium runs share)', () => {
  it.each(adapters)("gives $name's verdict on every project and Wycheproof case, in order, as expected", async (adapter) => {
    const { cases, expected } = signatureVerdictCases();
    expect(cases.length).toBe(projectVectors.length + wycheproof.length);
    expect(await runVectorVerdicts(adapter, cases)).toEqual(expected);
  });

  it('a wrong adapter shows up as a differing verdict', async () => {
    const { cases, expected } = signatureVerdictCases();
    const alwaysValid = { verify: () => true, verifyMessage: () => true };
    const got = await runVectorVerdicts(alwaysValid, cases);
    expect(got).not.toEqual(expected);
    expect(got.every((v) => v === 'valid')).toBe(true);
  });
});
