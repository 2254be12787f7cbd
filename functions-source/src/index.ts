export {
  verifyWindow,
  verifyWindowSteps,
  verifySignatureWithNoble,
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
export { WindowVerificationCode, WindowVerificationError, type WindowVerificationLocation } from './errors.js';
