import { InvalidSignatureFormatError, type DeviceKey, type SignatureVerdict } from '@gridproof/protocol';
import { nodeSignatureVerifier } from '@gridproof/protocol/verifiers/node';

/**
 * The protocol's signature policy (protocol/SIGNATURES.md) on node:crypto (OpenSSL), both key
 * types: the same verdicts as the DON's noble reference on every project and Wycheproof vector,
 * several times its speed, with a key object cached per device key.
 * `true`/`false`, or the InvalidSignatureFormatError the API answers as 400.
 */
export function readingSignatureVerdict(readingBytes: Uint8Array, signature: Uint8Array, key: DeviceKey): SignatureVerdict {
  return nodeSignatureVerifier().verify({ readingBytes, signature, key });
}

/**
 * `readingSignatureVerdict` as protocol's `verifyReadingBytes` answers: `false` for a signature
 * that does not verify (422 BAD_SIGNATURE), throws InvalidSignatureFormatError (400) for wrong
 * lengths or a valid high-S P-256 signature.
 */
export function verifyReadingSignature(readingBytes: Uint8Array, signature: Uint8Array, key: DeviceKey): boolean {
  const verdict = readingSignatureVerdict(readingBytes, signature, key);
  if (verdict instanceof InvalidSignatureFormatError) throw verdict;
  return verdict;
}
