export { verifyWindow, type RegisteredDeviceKey, type VerifyWindowParameters, type VerifyWindowReturnType, type VerifyWindowErrorType } from './verifyWindow.js';
export { dueWindowStart } from './dueWindowStart.js';
export { WindowVerificationCode, WindowVerificationError, type WindowVerificationLocation } from './errors.js';
