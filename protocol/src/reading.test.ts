import { describe, expect, it } from 'vitest';
import { READING_LENGTH, decodeReading, encodeReading, type Reading } from './reading.js';
import { toHex } from './bytes.js';

const base: Reading = { deviceId: 'SOLR_0001', counter: 1, timestamp: 1767225610, powerW: 1520, energyWh: 100000, voltageMv: 230150, status: 'ON' };

describe('reading layout v1', () => {
  it('encodes fields at their fixed big-endian offsets', () => {
    const bytes = encodeReading(base);
    expect(bytes.length).toBe(READING_LENGTH);
    const hex = (v: number, bytes: number) => v.toString(16).padStart(bytes * 2, '0');
    const expected = ['01', Buffer.from('SOLR_0001').toString('hex'), hex(1, 8), hex(1767225610, 8), hex(1520, 4), hex(100000, 8), hex(230150, 4), '01'];
    expect(toHex(bytes)).toBe('0x' + expected.join(''));
  });

  it('round-trips every field', () => {
    const r: Reading = { ...base, counter: 2 ** 53 - 1, powerW: 2 ** 32 - 1, status: 'OFF', voltageMv: 0 };
    expect(decodeReading(encodeReading(r))).toEqual(r);
  });

  it.each([
    ['lower-case device id', { deviceId: 'solr_0001' }, 'INVALID_DEVICE_ID'],
    ['device id without underscore', { deviceId: 'SOLR00001' }, 'INVALID_DEVICE_ID'],
    ['letters in the number part', { deviceId: 'SOLR_00A1' }, 'INVALID_DEVICE_ID'],
    ['negative power', { powerW: -1 }, 'INVALID_READING'],
    ['power over u32', { powerW: 2 ** 32 }, 'INVALID_READING'],
    ['fractional energy', { energyWh: 1.5 }, 'INVALID_READING'],
    ['counter over 2^53', { counter: 2 ** 53 }, 'INVALID_READING'],
    ['unknown status', { status: 'MAYBE' as never }, 'INVALID_READING'],
  ])('rejects %s', (_, patch, code) => {
    expect(() => encodeReading({ ...base, ...patch })).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['a short buffer', (b: Uint8Array) => b.slice(0, 42)],
    ['an unknown version', (b: Uint8Array) => ((b[0] = 2), b)],
    ['a status byte of 2', (b: Uint8Array) => ((b[42] = 2), b)],
    ['a device id byte outside the alphabet', (b: Uint8Array) => ((b[1] = 0x61), b)],
  ])('decode rejects %s', (_, mutate) => {
    expect(() => decodeReading(mutate(encodeReading(base)))).toThrow(expect.objectContaining({ code: 'INVALID_READING' }));
  });
});
