import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, fromHex, toHex, uintToBytes, type Hex } from './bytes.js';
import { deviceIdToBytes } from './reading.js';

/**
 * Leaves are double-hashed (keccak256(keccak256(preimage))) like OpenZeppelin's
 * StandardMerkleTree: a 64-byte inner node can never be passed off as a leaf.
 */
function doubleKeccak(preimage: Uint8Array): Hex {
  return toHex(keccak_256(keccak_256(preimage)));
}

/** Reading leaf: keccak256(keccak256(signedReading)) over the 107 signed bytes (reading ‖ signature). */
export function readingLeaf(signedReading: Uint8Array): Hex {
  return doubleKeccak(signedReading);
}

/** A device's part of one window: what the window root commits to per device. */
export interface DeviceSummary {
  deviceId: string;
  /** Merkle root over the device's reading leaves in this window. */
  readingsRoot: Hex;
  readingCount: number;
  firstCounter: number;
  lastCounter: number;
  /** Cumulative energy before the window: the baseline reading's register, or the first reading's without one. */
  energyStartWh: number;
  /** Cumulative energy at the window's last reading. */
  energyEndWh: number;
  /** readingLeaf(baseline) — the device's last reading before this window — or 32 zero bytes. */
  baselineLeaf: Hex;
}

const word = (bytes: Uint8Array, leftAligned = false): Uint8Array => {
  const out = new Uint8Array(32);
  out.set(bytes, leftAligned ? 0 : 32 - bytes.length);
  return out;
};

/**
 * The ABI encoding `abi.encode(bytes9 deviceId, bytes32 readingsRoot, uint32 readingCount,
 * uint64 firstCounter, uint64 lastCounter, uint64 energyStartWh, uint64 energyEndWh, bytes32 baselineLeaf)`:
 * eight static 32-byte words (bytesN left-aligned, uintN right-aligned). Written out by hand so
 * the verification core stays small enough for QuickJS; checked against viem in tests.
 */
export function encodeDeviceSummary(s: DeviceSummary): Uint8Array {
  return concatBytes(
    word(deviceIdToBytes(s.deviceId), true),
    fromHex(s.readingsRoot, 32),
    word(uintToBytes(s.readingCount, 4)),
    word(uintToBytes(s.firstCounter, 8)),
    word(uintToBytes(s.lastCounter, 8)),
    word(uintToBytes(s.energyStartWh, 8)),
    word(uintToBytes(s.energyEndWh, 8)),
    fromHex(s.baselineLeaf, 32),
  );
}

/** Device summary leaf: keccak256(keccak256(abi.encode(summary))). */
export function deviceSummaryLeaf(s: DeviceSummary): Hex {
  return doubleKeccak(encodeDeviceSummary(s));
}

export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`;
