import { ProtocolError } from './errors.js';
import { assertDeviceId } from './reading.js';

/**
 * Sector codes: the first four letters of a device id (`SOLR_0001`). One table, mirrored by
 * `DeviceRegistry.isKnownSector` and checked against it through `test-vectors/devices.json`.
 *
 * Source: GridProof's own four-letter abbreviations. Production codes follow the energy-source
 * classes of the EECS Rules (AIB, Fact Sheet 5 "Types of Energy Inputs and Technologies"); consumption
 * codes follow the final-consumption sectors of the Eurostat energy balance (households, industry,
 * commercial and public services, agriculture, transport); GRID is the operator's own grid-status
 * meters. A new code is a protocol change: add it here, regenerate the vectors, mirror it in Solidity.
 */
export const SECTORS = {
  SOLR: 'Solar photovoltaic',
  WIND: 'Wind',
  HYDR: 'Hydro',
  BIOM: 'Biomass and biogas',
  GEOT: 'Geothermal',
  STOR: 'Storage (battery)',
  CHPL: 'Combined heat and power',
  HOUS: 'Households',
  INDU: 'Industry',
  COMM: 'Commercial and public services',
  AGRI: 'Agriculture',
  TRAN: 'Transport and EV charging',
  GRID: 'Grid status',
} as const;

export type SectorCode = keyof typeof SECTORS;

export function isKnownSector(code: string): code is SectorCode {
  return Object.hasOwn(SECTORS, code);
}

/** A device's role, as `IDeviceRegistry.Device.role` stores it: summaries, totals and pages keep them apart. */
export const DeviceRole = { PRODUCTION: 1, CONSUMPTION: 2, GRID_STATUS: 3 } as const;
export type DeviceRole = (typeof DeviceRole)[keyof typeof DeviceRole];
export const DEVICE_ROLE_NAMES: Record<DeviceRole, string> = { 1: 'production', 2: 'consumption', 3: 'grid status' };

/** Why an organisation revoked a device (`IDeviceRegistry.Device.revocationReason`; 0 = not revoked). */
export const RevocationReason = { SEAL_BROKEN: 1, KEY_COMPROMISED: 2, DECOMMISSIONED: 3, REPLACED: 4, OTHER: 5 } as const;
export type RevocationReason = (typeof RevocationReason)[keyof typeof RevocationReason];
export const REVOCATION_REASON_NAMES: Record<RevocationReason, string> = {
  1: 'seal broken',
  2: 'key compromised',
  3: 'decommissioned',
  4: 'replaced',
  5: 'other',
};

/**
 * The id an electrician may certify: the reading format's `XXXX_ZZZZ` with a sector from {@link SECTORS}.
 * Throws INVALID_DEVICE_ID for the shape, UNKNOWN_SECTOR for the code (the registry's
 * DeviceRegistryInvalidDeviceId / DeviceRegistryUnknownSector).
 * @example assertCertifiableDeviceId('SOLR_0001')
 */
export function assertCertifiableDeviceId(deviceId: string): asserts deviceId is `${SectorCode}_${string}` {
  assertDeviceId(deviceId);
  const sector = deviceId.slice(0, 4);
  if (!isKnownSector(sector))
    throw new ProtocolError('UNKNOWN_SECTOR', `Sector code ${sector} of ${deviceId} is not in the sector table (${Object.keys(SECTORS).join(', ')}).`, {
      details: { deviceId, sector },
    });
}

/**
 * Whether a reading timestamped `timestamp` (unix seconds) counts for a device revoked at `revokedAt`
 * (0 = never): the registry's `isValidAt`, readings from the revocation on are invalid.
 */
export function isValidAtRevocation(revokedAt: number | bigint, timestamp: number | bigint): boolean {
  return BigInt(revokedAt) === 0n || BigInt(timestamp) < BigInt(revokedAt);
}
