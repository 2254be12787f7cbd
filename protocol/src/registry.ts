import { fromHex } from './bytes.js';
import { ProtocolError } from './errors.js';
import { KeyType, type DeviceKey } from './signature.js';

/** `IDeviceRegistry.Device` as viem decodes it (getDevice / getDevices). keyType 0 marks a zeroed (unknown) entry. */
export interface RegistryDeviceEntry {
  keyType: number;
  publicKey: `0x${string}` | string;
  /** Block timestamp of the revocation, 0 while active. */
  revokedAt: bigint | number;
  role?: number;
  owner?: string;
  ratedCapacityW?: number;
  certifiedAt?: bigint | number;
  revocationReason?: number;
  certifier?: string;
  organisationId?: bigint | number;
}

/** A registered device's key as the verifiers use it, with its registry state. */
export interface RegisteredDeviceKey extends DeviceKey {
  /** Unix seconds of the revocation, 0 while active: readings timestamped from then on are invalid ({@link isValidAtRevocation}). */
  revokedAt: number;
  /** `revokedAt === 0`. */
  active: boolean;
}

const KEY_LENGTH: Record<KeyType, number> = { [KeyType.P256]: 64, [KeyType.ED25519]: 32 };

/**
 * The one decoder of a registry entry: undefined for a zeroed entry (keyType 0, an unknown device),
 * the key otherwise. A key type other than 1/2, or a key of the wrong length, throws
 * `INVALID_REGISTRY_ENTRY`: the registry never stores one, so it means a wrong contract or ABI.
 */
export function decodeRegistryEntry(entry: RegistryDeviceEntry): RegisteredDeviceKey | undefined {
  if (entry.keyType === 0) return undefined;
  if (entry.keyType !== KeyType.P256 && entry.keyType !== KeyType.ED25519)
    throw new ProtocolError('INVALID_REGISTRY_ENTRY', `Registry entry has key type ${entry.keyType}; expected 1 (P-256) or 2 (Ed25519).`, {
      details: { keyType: entry.keyType },
    });
  const keyType = entry.keyType as KeyType;
  const publicKey = fromHex(entry.publicKey);
  if (publicKey.length !== KEY_LENGTH[keyType])
    throw new ProtocolError('INVALID_REGISTRY_ENTRY', `Registry key of type ${keyType} is ${publicKey.length} bytes; expected ${KEY_LENGTH[keyType]}.`, {
      details: { keyType, length: publicKey.length },
    });
  const revokedAt = Number(entry.revokedAt);
  return { keyType, publicKey, revokedAt, active: revokedAt === 0 };
}
