/**
 * `@gridproof/protocol/verifiers/test-vectors`: the signature vectors as policy cases, for tests
 * in other workspaces that run an adapter somewhere else (Chromium, Deno) and compare. Node only
 * (reads the Wycheproof files); never imported by library code.
 */
export { buildSignatureVectors, type SignatureExpectation, type SignatureVector } from './signatureVectors.js';
export { wycheproofCases, type WycheproofCase } from './wycheproof.js';
import { readFileSync } from 'node:fs';
import type { SignatureVector } from './signatureVectors.js';

/** test-vectors/signatures.json. */
export function projectSignatureVectors(): SignatureVector[] {
  return JSON.parse(readFileSync(new URL('../../test-vectors/signatures.json', import.meta.url), 'utf8')).cases;
}
