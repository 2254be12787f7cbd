export {
  verifyWindow,
  verifyWindowSteps,
  verifySignatureWithNoble,
  batchVerifiers,
  type BatchVerification,
  type BatchVerifier,
  type BatchVerifierContext,
  type RegisteredDeviceKey,
  type SignatureCheck,
  type SignatureVerdict,
  type VerifyWindowParameters,
  type VerifyWindowReturnType,
  type VerifyWindowErrorType,
} from './verifyWindow.js';
export { verifyWindowAsync, webCryptoVerifier, nobleVerifier, type SignatureVerifier, type VerifyWindowAsyncParameters } from './verifyWindowAsync.js';
export { selectSample, sampleSeedOf, type SamplingOptions } from './sampling.js';
export { dueWindowStart } from './dueWindowStart.js';
export {
  FunctionsSourceError,
  WindowVerificationCode,
  WindowVerificationError,
  type FunctionsSourceErrorCode,
  type WindowVerificationLocation,
} from './errors.js';
