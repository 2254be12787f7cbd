import type { KeyType } from '@gridproof/protocol';

/** What the service needs to know about a device to accept its readings. */
export interface DeviceEntry {
  keyType: KeyType;
  /** P-256: 64 bytes x‖y. Ed25519: 32 bytes. */
  publicKey: Uint8Array;
  /** False once an installer or registrar revoked the device. */
  active: boolean;
}

/**
 * Where device keys come from. Production reads the chain's DeviceRegistry
 * (`createChainDeviceDirectory`); unit tests use `createMemoryDeviceDirectory`.
 * `get` resolves `undefined` for a device that was never registered and rejects when the
 * source cannot be reached (the API answers 503 then, never "unknown").
 */
export interface DeviceDirectory {
  get(deviceId: string): Promise<DeviceEntry | undefined>;
  /** Every registered device (revoked ones too), in registration order; optional for key-only sources. */
  list?(): Promise<DeviceListing[]>;
}

/** A registered device as the API lists it: the registry's public facts, never its owner. */
export interface DeviceListing extends DeviceEntry {
  deviceId: string;
  /** Unix seconds, when the registry knows it. */
  registeredAt: number | null;
}

/** A device directory held in memory; `set` / `revoke` change it at run time (tests). */
export interface MemoryDeviceDirectory extends DeviceDirectory {
  set(deviceId: string, entry: DeviceEntry): void;
  revoke(deviceId: string): void;
}

/**
 * @example const devices = createMemoryDeviceDirectory({ SOLR_0001: { keyType: KeyType.P256, publicKey, active: true } })
 */
export function createMemoryDeviceDirectory(entries: Record<string, DeviceEntry> = {}): MemoryDeviceDirectory {
  const map = new Map(Object.entries(entries));
  return {
    async get(deviceId) {
      return map.get(deviceId);
    },
    async list() {
      return [...map].map(([deviceId, e]) => ({ deviceId, ...e, registeredAt: null }));
    },
    set(deviceId, entry) {
      map.set(deviceId, entry);
    },
    revoke(deviceId) {
      const entry = map.get(deviceId);
      if (entry) map.set(deviceId, { ...entry, active: false });
    },
  };
}
