import { describe, expect, it } from 'vitest';
import { dueWindowStart } from './dueWindowStart.js';
import { WindowVerificationCode, WindowVerificationError } from './errors.js';

const T = 1767225600; // 2026-01-01T00:00:00Z, aligned to every window length

describe('dueWindowStart', () => {
  it('picks the latest window whose end plus the seal delay has passed', () => {
    expect(dueWindowStart(T + 630, 300, 30)).toBe(T + 300); // [00:05, 00:10) + 30 s = 00:10:30
    expect(dueWindowStart(T + 629, 300, 30)).toBe(T); // 1 s too early for [00:05, 00:10)
    expect(dueWindowStart(T + 600, 300, 0)).toBe(T + 300);
    expect(dueWindowStart(T + 3600 + 59, 3600, 60)).toBe(T - 3600);
    expect(dueWindowStart(T + 3600 + 60, 3600, 60)).toBe(T);
  });

  it('drops fractions of a second and works for delays longer than a window', () => {
    expect(dueWindowStart(T + 630.999, 300, 30)).toBe(T + 300);
    expect(dueWindowStart(T + 1000, 60, 500)).toBe(T + 420); // 420 + 60 + 500 = 980 ≤ 1000 < 480 + 60 + 500
  });

  it('always returns an aligned start whose end + delay is at or before the tick, and the next is not', () => {
    for (let t = T; t < T + 1200; t += 7) {
      const s = dueWindowStart(t, 60, 45);
      expect(s % 60).toBe(0);
      expect(s + 60 + 45).toBeLessThanOrEqual(t);
      expect(s + 120 + 45).toBeGreaterThan(t);
    }
  });

  it('rejects bad arguments with a stable code', () => {
    for (const [t, w, d] of [
      [T, 7, 0],
      [T, 300, -1],
      [T, 300, 1.5],
      [100, 300, 30],
      [Number.NaN, 300, 30],
    ]) {
      expect(() => dueWindowStart(t, w, d)).toThrow(WindowVerificationError);
      expect(() => dueWindowStart(t, w, d)).toThrow(expect.objectContaining({ code: WindowVerificationCode.INVALID_ARGUMENTS }));
    }
  });
});
