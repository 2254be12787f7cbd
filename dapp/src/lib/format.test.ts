import { describe, expect, it } from 'vitest';
import { formatKwh } from './format.js';

describe('formatKwh', () => {
  it('shows Wh as kWh with three decimals, from a number or a bigint', () => {
    expect(formatKwh(0)).toBe('0.000 kWh');
    expect(formatKwh(40)).toBe('0.040 kWh');
    expect(formatKwh(123_456)).toBe('123.456 kWh');
    expect(formatKwh(123_456n)).toBe('123.456 kWh');
  });

  it('is exact beyond 2^53−1 (a window of 18014398509484507 Wh, which a double would show as …504)', () => {
    expect(formatKwh(18014398509484507n)).toBe('18014398509484.507 kWh');
    expect(formatKwh(2n ** 64n - 1n)).toBe('18446744073709551.615 kWh');
  });
});
