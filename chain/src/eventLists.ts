import { dataLoggerAbi, deviceRegistryAbi } from '@gridproof/protocol';
import { getAbiItem, type AbiEvent, type Log } from 'viem';

/** The contracts an indexer can follow, by their name in contracts/deployments/<chainId>.json. */
export type ContractKey = 'dataLogger' | 'deviceRegistry';

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
  deviceRegistered: { contract: 'deviceRegistry', event: getAbiItem({ abi: deviceRegistryAbi, name: 'DeviceRegistered' }) },
  deviceRevoked: { contract: 'deviceRegistry', event: getAbiItem({ abi: deviceRegistryAbi, name: 'DeviceRevoked' }) },
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
