/**
 * `@gridproof/protocol/verifiers/test-vectors`: the signature vectors as policy cases, for tests
 * in other workspaces that run an adapter somewhere else (Chromium, Deno) and compare. Node only
 * (reads the Wycheproof files); never imported by library code.
 */
import { readFileSync } from 'node:fs';
import type { SignatureVector } from './signatureVectors.js';
import type { SignatureOutcome, VerdictCase } from './vectorVerdicts.js';
import { wycheproofCases } from './wycheproof.js';

export { buildSignatureVectors, type SignatureExpectation, type SignatureVector } from './signatureVectors.js';
export { wycheproofCases, type WycheproofCase } from './wycheproof.js';
export { outcomeOf, runVectorVerdicts, type SignatureOutcome, type VerdictCase, type VerdictVerifier } from './vectorVerdicts.js';

/** test-vectors/signatures.json. */
export function projectSignatureVectors(): SignatureVector[] {
  return JSON.parse(readFileSync(new URL('../../test-vectors/signatures.json', import.meta.url), 'utf8')).cases;
}

/**
 * Every project and Wycheproof signature vector as verdict cases, with the outcome each expects:
 * what the adapter comparisons (Node, Deno, Chromium) feed to `runVectorVerdicts`.
 */
export function signatureVerdictCases(): { cases: VerdictCase[]; expected: SignatureOutcome[] } {
  const project = projectSignatureVectors();
  const wycheproof = wycheproofCases();
  return {
    cases: [
      ...project.map((v) => ({ keyType: v.keyType, publicKey: v.publicKey, message: v.reading, signature: v.signature, reading: true })),
      ...wycheproof.map((c) => ({ keyType: c.keyType, publicKey: c.publicKey, message: c.message, signature: c.signature, reading: false })),
    ],
    expected: [...project.map((v) => v.expected), ...wycheproof.map((c) => c.expected)],
  };
}
