import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { ProtocolError } from './errors.js';

/** A `0x`-prefixed lower-case hex string. */
export type Hex = `0x${string}`;

/** Bytes to `0x`-prefixed lower-case hex. */
export function toHex(bytes: Uint8Array): Hex {
  return `0x${nobleBytesToHex(bytes)}`;
}

/** `0x`-prefixed (or bare) hex to bytes; throws `INVALID_HEX` on anything else. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  const body = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new ProtocolError('INVALID_HEX', `Not a hex string: "${hex.slice(0, 24)}${hex.length > 24 ? '…' : ''}".`);
  }
  const bytes = nobleHexToBytes(body);
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new ProtocolError('INVALID_HEX', `Expected ${expectedLength} bytes, got ${bytes.length}.`, {
      details: { expectedLength, length: bytes.length },
    });
  }
  return bytes;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Big-endian unsigned integer of `size` bytes. */
export function uintToBytes(value: bigint | number, size: number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(size * 8)) throw new ProtocolError('INTEGER_OUT_OF_RANGE', `${value} does not fit in ${size} bytes.`);
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToUint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
