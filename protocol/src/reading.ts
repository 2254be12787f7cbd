import { bytesToUint, equalBytes, uintToBytes } from './bytes.js';
import { InvalidDeviceIdError, InvalidReadingError } from './errors.js';

/**
 * Reading layout v1: 43 bytes, big-endian, fixed offsets. Mirrored byte for byte in
 * contracts/src/libraries/ReadingCodec.sol and firmware/esp32 (checked by test-vectors/).
 *
 * | offset | size | field                                       |
 * |-------:|-----:|---------------------------------------------|
 * |      0 |    1 | layout version, 0x01                        |
 * |      1 |    9 | device id, ASCII `XXXX_ZZZZ`                |
 * |     10 |    8 | counter, strictly increasing per device     |
 * |     18 |    8 | timestamp, unix seconds (UTC)               |
 * |     26 |    4 | power, W                                    |
 * |     30 |    8 | cumulative energy, Wh                       |
 * |     38 |    4 | voltage, mV                                 |
 * |     42 |    1 | status: 0 OFF, 1 ON                         |
 */
export const READING_VERSION = 1;
export const READING_LENGTH = 43;
export const DEVICE_ID_LENGTH = 9;

/** Counters, timestamps and energy travel as JSON numbers in batch documents, so they stay below 2^53. */
export const MAX_SAFE_UINT = BigInt(Number.MAX_SAFE_INTEGER);

export const DEVICE_ID_PATTERN = /^[A-Z0-9]{4}_[0-9]{4}$/;

export type ReadingStatus = 'ON' | 'OFF';

export interface Reading {
  /** `XXXX_ZZZZ`: sector code (4 of A-Z, 0-9), underscore, number (4 digits). */
  deviceId: string;
  /** Strictly increasing per device; never reused, also across reboots. */
  counter: number;
  /** Unix seconds, UTC. */
  timestamp: number;
  /** Instantaneous power, W. */
  powerW: number;
  /** Cumulative energy register, Wh. Never decreases. */
  energyWh: number;
  /** Voltage, mV. */
  voltageMv: number;
  status: ReadingStatus;
}

export function assertDeviceId(deviceId: string): void {
  if (typeof deviceId !== 'string' || !DEVICE_ID_PATTERN.test(deviceId)) throw new InvalidDeviceIdError(String(deviceId));
}

/** Device id as the 9 ASCII bytes used in readings and as Solidity `bytes9`. */
export function deviceIdToBytes(deviceId: string): Uint8Array {
  assertDeviceId(deviceId);
  return new TextEncoder().encode(deviceId);
}

export function deviceIdFromBytes(bytes: Uint8Array): string {
  let id = '';
  for (const b of bytes) id += String.fromCharCode(b);
  assertDeviceId(id);
  return id;
}

function checkUint(name: string, value: number, max: bigint): void {
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) > max) {
    throw new InvalidReadingError(`${name} must be an integer between 0 and ${max}, got ${value}.`, { field: name, value });
  }
}

/**
 * Encodes a reading in layout v1.
 * @example encodeReading({ deviceId: 'SOLR_0001', counter: 1, timestamp: 1767225600, powerW: 1500, energyWh: 42, voltageMv: 230000, status: 'ON' })
 */
export function encodeReading(reading: Reading): Uint8Array {
  const id = deviceIdToBytes(reading.deviceId);
  checkUint('counter', reading.counter, MAX_SAFE_UINT);
  checkUint('timestamp', reading.timestamp, MAX_SAFE_UINT);
  checkUint('powerW', reading.powerW, 0xffffffffn);
  checkUint('energyWh', reading.energyWh, MAX_SAFE_UINT);
  checkUint('voltageMv', reading.voltageMv, 0xffffffffn);
  if (reading.status !== 'ON' && reading.status !== 'OFF') {
    throw new InvalidReadingError(`status must be "ON" or "OFF", got ${JSON.stringify(reading.status)}.`, { field: 'status' });
  }
  const out = new Uint8Array(READING_LENGTH);
  out[0] = READING_VERSION;
  out.set(id, 1);
  out.set(uintToBytes(reading.counter, 8), 10);
  out.set(uintToBytes(reading.timestamp, 8), 18);
  out.set(uintToBytes(reading.powerW, 4), 26);
  out.set(uintToBytes(reading.energyWh, 8), 30);
  out.set(uintToBytes(reading.voltageMv, 4), 38);
  out[42] = reading.status === 'ON' ? 1 : 0;
  return out;
}

function safe(name: string, bytes: Uint8Array): number {
  const v = bytesToUint(bytes);
  if (v > MAX_SAFE_UINT) throw new InvalidReadingError(`${name} ${v} exceeds 2^53-1.`, { field: name });
  return Number(v);
}

/** Decodes layout v1 bytes; rejects any other length, version, device id or status byte. */
export function decodeReading(bytes: Uint8Array): Reading {
  if (bytes.length !== READING_LENGTH) {
    throw new InvalidReadingError(`A v1 reading is ${READING_LENGTH} bytes, got ${bytes.length}.`, { length: bytes.length });
  }
  if (bytes[0] !== READING_VERSION) {
    throw new InvalidReadingError(`Unknown reading layout version ${bytes[0]}.`, { version: bytes[0] });
  }
  let deviceId: string;
  try {
    deviceId = deviceIdFromBytes(bytes.subarray(1, 10));
  } catch {
    throw new InvalidReadingError('Device id bytes are not of the form XXXX_ZZZZ.', { field: 'deviceId' });
  }
  const statusByte = bytes[42];
  if (statusByte > 1) throw new InvalidReadingError(`Status byte must be 0 or 1, got ${statusByte}.`, { field: 'status' });
  const reading: Reading = {
    deviceId,
    counter: safe('counter', bytes.subarray(10, 18)),
    timestamp: safe('timestamp', bytes.subarray(18, 26)),
    powerW: Number(bytesToUint(bytes.subarray(26, 30))),
    energyWh: safe('energyWh', bytes.subarray(30, 38)),
    voltageMv: Number(bytesToUint(bytes.subarray(38, 42))),
    status: statusByte === 1 ? 'ON' : 'OFF',
  };
  // Canonical: decoding then encoding gives the same bytes (no hidden variants).
  if (!equalBytes(encodeReading(reading), bytes)) throw new InvalidReadingError('Reading bytes are not canonical.');
  return reading;
}
