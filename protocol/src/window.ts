import { ProtocolError } from './errors.js';

/**
 * Windows are fleet-wide, fixed-length and aligned to UTC: window k covers
 * [k·len, (k+1)·len) in unix seconds and is named by its start. Lengths must divide an hour so
 * hourly kWh tokens settle from whole windows. True for a valid length: a positive divisor of 3600.
 */
export function isWindowSeconds(windowSeconds: number): boolean {
  return Number.isInteger(windowSeconds) && windowSeconds > 0 && 3600 % windowSeconds === 0;
}

/** Throws INVALID_WINDOW_LENGTH unless {@link isWindowSeconds}. */
export function assertWindowSeconds(windowSeconds: number): void {
  if (!isWindowSeconds(windowSeconds)) {
    throw new ProtocolError('INVALID_WINDOW_LENGTH', `Window length ${windowSeconds} s must be a positive divisor of 3600.`, {
      details: { windowSeconds },
    });
  }
}

/** Start (unix seconds) of the window containing `timestamp`. */
export function windowStartOf(timestamp: number, windowSeconds: number): number {
  assertWindowSeconds(windowSeconds);
  return timestamp - (timestamp % windowSeconds);
}
