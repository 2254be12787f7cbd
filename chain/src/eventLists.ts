import { companyIdentityAbi, dataLoggerAbi, deviceRegistryAbi, installerRegistryAbi } from '@gridproof/protocol';
import { getAbiItem, type AbiEvent, type Log } from 'viem';

/** The contracts an indexer can follow, by their name in contracts/deployments/<chainId>.json. */
export type ContractKey = 'dataLogger' | 'deviceRegistry' | 'installerRegistry' | 'companyIdentity';

/**
 * Every event list the indexer keeps, by name: which contract emits it and its ABI event (from
 * protocol's generated ABIs). A new capability (identity, certifications, claims, offers,
 * complaints) adds its contract key and its lists here and a query in `indexer.ts`; paging,
 * confirmations, reorgs and caching come with it, and all lists share one `eth_getLogs` per page.
 */
export const EVENT_LISTS = {
  /** Phase one of the two-phase anchor: the DON committed the window document's digest (the seed is a later block). */
  windowCommitted: { contract: 'dataLogger', event: getAbiItem({ abi: dataLoggerAbi, name: 'WindowCommitted' }) },
  /** Phase two: the record of the committed digest. */
  windowRecorded: { contract: 'dataLogger', event: getAbiItem({ abi: dataLoggerAbi, name: 'WindowRecorded' }) },
  /** The WindowChallenger proved one device's summary in a window fraudulent. */
  deviceFrozen: { contract: 'dataLogger', event: getAbiItem({ abi: dataLoggerAbi, name: 'DeviceFrozen' }) },
  /** The DON recorded the corrected summary of a frozen device. */
  deviceCorrected: { contract: 'dataLogger', event: getAbiItem({ abi: dataLoggerAbi, name: 'DeviceCorrected' }) },
  /** The WindowChallenger proved a window's totals wrong (its device summaries stay provable). */
  windowTotalsFrozen: { contract: 'dataLogger', event: getAbiItem({ abi: dataLoggerAbi, name: 'WindowTotalsFrozen' }) },
  /** An electrician certified a device under its organisation (key, owner, role, capacity). */
  deviceCertified: { contract: 'deviceRegistry', event: getAbiItem({ abi: deviceRegistryAbi, name: 'DeviceCertified' }) },
  /** An admin of the certifying organisation revoked a device: readings timestamped from `revokedAt` on are invalid. */
  deviceRevoked: { contract: 'deviceRegistry', event: getAbiItem({ abi: deviceRegistryAbi, name: 'DeviceRevoked' }) },
  organisationCreated: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'OrganisationCreated' }) },
  adminAdded: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'AdminAdded' }) },
  adminRemoved: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'AdminRemoved' }) },
  electricianAdded: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'ElectricianAdded' }) },
  electricianRemoved: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'ElectricianRemoved' }) },
  /** Emitted with every member change: the CID of the organisation's current member-list document. */
  memberListPublished: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'MemberListPublished' }) },
  organisationTrusted: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'OrganisationTrusted' }) },
  organisationDistrusted: { contract: 'installerRegistry', event: getAbiItem({ abi: installerRegistryAbi, name: 'OrganisationDistrusted' }) },
  /** A company minted its soulbound identity. */
  companyRegistered: { contract: 'companyIdentity', event: getAbiItem({ abi: companyIdentityAbi, name: 'CompanyRegistered' }) },
  profileUpdated: { contract: 'companyIdentity', event: getAbiItem({ abi: companyIdentityAbi, name: 'ProfileUpdated' }) },
  identityBurned: { contract: 'companyIdentity', event: getAbiItem({ abi: companyIdentityAbi, name: 'IdentityBurned' }) },
} as const satisfies Record<string, { contract: ContractKey; event: AbiEvent }>;

export type EventListName = keyof typeof EVENT_LISTS;

type EventOf<N extends EventListName> = (typeof EVENT_LISTS)[N]['event'];

/** A decoded log of list `N`, where it sits in the chain, and its block's timestamp (Unix seconds). */
export interface IndexedLog<N extends EventListName = EventListName> {
  list: N;
  args: Log<bigint, number, false, EventOf<N>, true>['args'];
  address: `0x${string}`;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  blockTimestamp: number;
  logIndex: number;
  transactionHash: `0x${string}`;
}

/** Any indexed log, discriminated by `list`. */
export type AnyIndexedLog = { [N in EventListName]: IndexedLog<N> }[EventListName];
