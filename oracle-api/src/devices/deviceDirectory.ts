import { DeviceRole, isValidAtRevocation, type KeyType } from '@gridproof/protocol';

/** What the service needs to know about a device to accept its readings and to seal them. */
export interface DeviceEntry {
  keyType: KeyType;
  /** P-256: 64 bytes x‖y. Ed25519: 32 bytes. */
  publicKey: Uint8Array;
  /** False once an admin of the certifying organisation revoked the device. */
  active: boolean;
  /**
   * Unix seconds of the revocation (the chain's `Device.revokedAt`): readings timestamped from then on are invalid,
   * earlier ones stay valid. Null or absent while active; an inactive entry without it refuses every reading.
   */
  revokedAt?: number | null;
  /** protocol `RevocationReason` (1 seal broken … 5 other) once revoked. */
  revocationReason?: number | null;
  /** protocol `DeviceRole`; absent (in-memory directories) counts as production. */
  role?: DeviceRole;
}

/** A certified device as the API lists it: the registry's public facts, never its owner. */
export interface DeviceListing extends DeviceEntry {
  deviceId: string;
  ratedCapacityW: number | null;
  /** The electrician who certified it. */
  certifier: string | null;
  /** The installer organisation, as a decimal string (uint256 on chain). */
  organisationId: string | null;
  /** Unix seconds of the certification, when the source knows it. */
  certifiedAt: number | null;
}

/**
 * Where device keys, roles and revocations come from. Production reads the chain's DeviceRegistry events
 * (`createChainDeviceDirectory`); unit tests use `createMemoryDeviceDirectory`. `get` resolves `undefined` for a
 * device that was never certified and rejects when the source cannot be reached (the API answers 503 then, never
 * "unknown").
 */
export interface DeviceDirectory {
  get(deviceId: string): Promise<DeviceEntry | undefined>;
  /** Every certified device (revoked ones too), in certification order; optional for key-only sources. */
  list?(): Promise<DeviceListing[]>;
  /**
   * The registry as read by a sync that began after this call: what the sealer judges a closed window's readings
   * by (a revocation the ingest check had not seen yet is in it). Rejects when the source cannot be read.
   */
  settled(): Promise<ReadonlyMap<string, DeviceEntry>>;
}

/** Whether a reading of `entry` timestamped `timestamp` counts: the registry's `isValidAt`. */
export function isValidReadingOf(entry: DeviceEntry, timestamp: number): boolean {
  if (entry.revokedAt != null && entry.revokedAt > 0) return isValidAtRevocation(entry.revokedAt, timestamp);
  return entry.active;
}

/** A device's role for the per-role totals ({@link DeviceEntry.role}). */
export const roleOf = (entry: DeviceEntry): DeviceRole => entry.role ?? DeviceRole.PRODUCTION;

/** A device directory held in memory; `set` / `revoke` change it at run time (tests). */
export interface MemoryDeviceDirectory extends DeviceDirectory {
  set(deviceId: string, entry: DeviceEntry): void;
  /** Revokes from `revokedAt` on (unix seconds; omitted: every reading is refused), for `reason` (default 5, other). */
  revoke(deviceId: string, revokedAt?: number, reason?: number): void;
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
      return [...map].map(([deviceId, e]) => ({ deviceId, ...e, ratedCapacityW: null, certifier: null, organisationId: null, certifiedAt: null }));
    },
    async settled() {
      return new Map(map);
    },
    set(deviceId, entry) {
      map.set(deviceId, entry);
    },
    revoke(deviceId, revokedAt, reason = 5) {
      const entry = map.get(deviceId);
      if (entry) map.set(deviceId, { ...entry, active: false, revokedAt: revokedAt ?? null, revocationReason: reason });
    },
  };
}
