import { assertWindowSeconds } from '@gridproof/protocol';
import { WindowVerificationCode, WindowVerificationError } from './errors.js';

/**
 * The window a cron tick should verify: the latest window whose end plus the seal delay is at or
 * before the tick's scheduled time. Taken from the trigger's scheduled time (never the wall
 * clock), so every node and every retry of the same tick picks the same window.
 *
 * @param scheduledTimeSeconds unix seconds of the tick (fractions are dropped).
 * @param sealDelaySeconds how long after a window's end the oracle API has sealed it.
 * @example dueWindowStart(1767226230, 300, 30) // 1767225900: window [00:05, 00:10) ended at 00:10, +30 s ≤ 00:10:30
 */
export function dueWindowStart(scheduledTimeSeconds: number, windowSeconds: number, sealDelaySeconds: number): number {
  try {
    assertWindowSeconds(windowSeconds);
  } catch (cause) {
    throw new WindowVerificationError(WindowVerificationCode.INVALID_ARGUMENTS, (cause as Error).message, { windowSeconds }, cause);
  }
  if (!Number.isSafeInteger(sealDelaySeconds) || sealDelaySeconds < 0) {
    throw new WindowVerificationError(WindowVerificationCode.INVALID_ARGUMENTS, `Seal delay ${sealDelaySeconds} s must be a non-negative integer.`, {
      sealDelaySeconds,
    });
  }
  const scheduled = Math.floor(scheduledTimeSeconds);
  if (!Number.isSafeInteger(scheduled) || scheduled < windowSeconds + sealDelaySeconds) {
    throw new WindowVerificationError(
      WindowVerificationCode.INVALID_ARGUMENTS,
      `Scheduled time ${scheduledTimeSeconds} is before the end of the first window plus the seal delay.`,
      { scheduledTimeSeconds, windowSeconds, sealDelaySeconds },
    );
  }
  const ready = scheduled - sealDelaySeconds; // windows ending at or before this are sealed
  return ready - (ready % windowSeconds) - windowSeconds;
}
