/**
 * `@gridproof/protocol/verifiers/webcrypto`: the WebCrypto adapter (browsers, Deno / Chainlink
 * Functions, Node's `crypto.subtle`). Pure ESM, no Node built-ins.
 *
 * P-256: WebCrypto ECDSA/SHA-256 is plain ECDSA everywhere; the policy adds low-S and ranges.
 * Ed25519: implementations differ (cofactored or not, lenient decoding or not). The policy's
 * format checks remove the encoding differences; what is left is the verification equation, so
 * before its first Ed25519 answer the adapter asks this platform's WebCrypto the known answers in
 * {@link ED25519_KNOWN_ANSWERS} (an R shifted by a small-order point; a key with a small-order
 * component, once with the cofactorless equation failing and once holding). If WebCrypto has no
 * Ed25519 or gets any of them wrong, Ed25519 is never asked of it: every Ed25519 signature goes to
 * the noble reference instead, and `method(2)` says so.
 */
import { fromHex, toHex } from '../bytes.js';
import { createAsyncSignatureVerifier, readingDigest, type AsyncSignatureBackend, type AsyncSignatureVerifier, type KeyType } from '../signature.js';
import { nobleBackend } from './nobleBackend.js';

/** Known answers (from test-vectors/signatures.json) an Ed25519 implementation must give to be used. */
export const ED25519_KNOWN_ANSWERS = [
  {
    name: 'valid signature',
    publicKey: '0x7dcac972096f90a7f00cf95048a75279e7f677b23311e0009ec15318091f810b',
    reading: '0x01494e44555f30303432000000000000002a000000006955b92a000004d2000000000008aa52000382d401',
    signature: '0x382254af3fd4b98923e26a1e4a73869b65bca34597cbacc5fb0c3022cb4c1f3434533b5543e1de48d25b1b42b2fd5503d42aad7af7ef7db67196ddaf77268904',
    expected: true,
  },
  {
    name: 'R shifted by a small-order point',
    publicKey: '0x7dcac972096f90a7f00cf95048a75279e7f677b23311e0009ec15318091f810b',
    reading: '0x01494e44555f30303432000000000000002a000000006955b92a000004d2000000000008aa52000382d401',
    signature: '0x69f939d97194bcb962ccaa353f3be730290a8f5892c859a3fbe4a1ed1f1628b75131a567aebe048bf4311a5b00d584299e148d1eb770326471d551174006af05',
    expected: false,
  },
  {
    name: 'key with a small-order component, equation fails',
    publicKey: '0x65db0bd0c262725f12b39cfc30c5610b9d409ede9d104eda21ca979e2f40a03e',
    reading: '0x01494e44555f30303432000000000000002a000000006955b92a000004d2000000000008aa52000382d401',
    signature: '0x7bd730048b4237a562cf4047b7068478c0d53d79d746b58b54e13c840da39324727348ef927401eb87ac1f451491a194f5a149d92f0dedb41dfee1670f439b04',
    expected: false,
  },
  {
    name: 'key with a small-order component, equation holds',
    publicKey: '0x65db0bd0c262725f12b39cfc30c5610b9d409ede9d104eda21ca979e2f40a03e',
    reading: '0x01494e44555f30303432000000000000002a000000006955b92a000004d2000000000008aa52000382d401',
    signature: '0xffccb7fbb153c1decf1c1c437d262429c3dbf06285ecc894f851aa40e84e7144acf55281ef6632af9ad5775784d10b2fd36f8bdacede55bcc94edb2cf4002d07',
    expected: true,
  },
] as const;

export const WEBCRYPTO_P256_METHOD = 'WebCrypto ECDSA P-256 / SHA-256';
export const WEBCRYPTO_ED25519_METHOD = 'WebCrypto Ed25519 over SHA-256(reading)';

export interface WebCryptoBackend extends AsyncSignatureBackend {
  /**
   * Whether Ed25519 runs on WebCrypto here (after the known answers), or why not. Resolves once;
   * `ed25519` calls wait for it.
   */
  ed25519Support(): Promise<{ native: true } | { native: false; reason: string }>;
}

export interface WebCryptoBackendOptions {
  /** Skip the probe and never use WebCrypto for Ed25519 (noble instead). */
  ed25519?: 'probe' | 'noble';
}

/** The WebCrypto adapter over `subtle` (default `globalThis.crypto.subtle`). Imported keys are cached. */
export function webCryptoBackend(subtle: SubtleCrypto = globalThis.crypto.subtle, options: WebCryptoBackendOptions = {}): WebCryptoBackend {
  const keys = new Map<string, Promise<CryptoKey | null>>();
  const importKey = (algorithm: 'P-256' | 'Ed25519', publicKey: Uint8Array): Promise<CryptoKey | null> => {
    const id = `${algorithm}:${toHex(publicKey)}`;
    let key = keys.get(id);
    if (!key) {
      const raw = algorithm === 'P-256' ? Uint8Array.of(4, ...publicKey) : publicKey;
      const params = algorithm === 'P-256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
      // A key WebCrypto refuses (not a point) makes every signature `false`, as noble answers.
      key = subtle.importKey('raw', raw as BufferSource, params, false, ['verify']).then(
        (k) => k,
        () => null,
      );
      keys.set(id, key);
      if (keys.size > 10_000) keys.delete(keys.keys().next().value as string);
    }
    return key;
  };

  const nativeEd25519 = async (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> => {
    const key = await importKey('Ed25519', publicKey);
    if (!key) return false;
    try {
      return await subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
    } catch {
      return false;
    }
  };

  let support: Promise<{ native: true } | { native: false; reason: string }> | undefined;
  let decided: { native: true } | { native: false; reason: string } | undefined;
  const ed25519Support = () => {
    support ??= (async () => {
      if (options.ed25519 === 'noble') return { native: false as const, reason: 'Ed25519 on WebCrypto disabled by option' };
      try {
        // Feature test: a platform without Ed25519 throws NotSupportedError here.
        await subtle.importKey('raw', fromHex(ED25519_KNOWN_ANSWERS[0].publicKey) as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      } catch (error) {
        return { native: false as const, reason: `this platform's WebCrypto has no Ed25519 (${(error as Error)?.name ?? String(error)})` };
      }
      for (const kat of ED25519_KNOWN_ANSWERS) {
        const got = await nativeEd25519(readingDigest(fromHex(kat.reading)), fromHex(kat.signature), fromHex(kat.publicKey));
        if (got !== kat.expected) return { native: false as const, reason: `this platform's WebCrypto Ed25519 answers ${got} for "${kat.name}"` };
      }
      return { native: true as const };
    })().then((s) => (decided = s));
    return support;
  };

  return {
    method: (keyType: KeyType) => {
      if (keyType === 1) return WEBCRYPTO_P256_METHOD;
      if (decided && !decided.native) return `${nobleBackend.method(keyType)}: ${decided.reason}`;
      return WEBCRYPTO_ED25519_METHOD;
    },
    async p256(message, signature, publicKey) {
      const key = await importKey('P-256', publicKey);
      if (!key) return false;
      try {
        return await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature as BufferSource, message as BufferSource);
      } catch {
        return false;
      }
    },
    async ed25519(message, signature, publicKey) {
      const s = await ed25519Support();
      return s.native ? nativeEd25519(message, signature, publicKey) : nobleBackend.ed25519(message, signature, publicKey);
    },
    ed25519Support,
  };
}

/** The policy over WebCrypto. */
export function webCryptoSignatureVerifier(subtle?: SubtleCrypto, options?: WebCryptoBackendOptions): AsyncSignatureVerifier & { backend: WebCryptoBackend } {
  const backend = webCryptoBackend(subtle, options);
  return { ...createAsyncSignatureVerifier(backend), backend };
}
