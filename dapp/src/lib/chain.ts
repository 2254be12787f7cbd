import { oracleApiPaths, RAW_BLOCK_TYPE } from '@gridproof/oracle-api/client';
import {
  createRpcIndexer,
  type DeviceRecord,
  type FrozenDevice,
  type Indexer,
  type OrganisationRecord,
  type Page,
  type TotalsFreeze,
  type WindowCommitment,
} from '@gridproof/chain';
import { getPublicClient, readContract, type Config } from '@wagmi/core';
import { deviceIdToBytes, toHex, type ReadingProof } from '@gridproof/protocol';
import { hexToString, type Address, type PublicClient } from 'viem';
import type { AppConfig } from './config.js';
import { ChainNotIndexedError, GatewayFetchError, InvalidAppConfigError } from './errors.js';
import { companyIdentityAbi, dataLoggerAbi, deviceRegistryAbi, installerRegistryAbi } from './contracts.js';
import type { DeviceFreeze, OnChainDevice, OnChainWindow } from './verify.js';

/** A recorded window as the list shows it. */
export interface ListedWindow extends OnChainWindow {
  /** Its commit (phase one), null only when it lies before the deployment's start block. */
  commit: WindowCommitment | null;
  /** Device summaries proven fraudulent by the WindowChallenger, in chain order, each with its correction if any. */
  frozenDevices: FrozenDevice[];
  /** Set when the WindowChallenger proved the window's totals wrong. */
  totalsFrozen: TotalsFreeze | null;
}

export interface ListQuery {
  offset?: number;
  limit: number;
}

/** An account's company identity as the CompanyIdentity holds it. */
export interface CompanyIdentity {
  id: bigint;
  profileCid: string;
}

/** `InstallerRegistry.getOrganisation`. */
export interface Organisation {
  organisationId: bigint;
  name: string;
  memberListCid: string;
  createdAt: number;
  adminCount: number;
  electricianCount: number;
}

/**
 * Reads the chain through the app's wagmi config, no wallet. Lists come from events through the
 * `@gridproof/chain` indexer (one eth_getLogs per page, only new blocks on a refresh); one window,
 * one device and the on-chain proof check are direct view calls (what verification trusts).
 */
export interface ChainReader {
  readWindow(windowStart: number): Promise<OnChainWindow>;
  /** Recorded windows, newest first. */
  listWindows(query: ListQuery): Promise<Page<ListedWindow>>;
  /** Windows the DON committed but that were never recorded (a draw pending, or a document withheld), newest first. */
  listUnrecordedCommits(query: ListQuery): Promise<Page<WindowCommitment>>;
  /** The device freezes of one window, from events (for display; verification reads `readDeviceFreeze`). */
  listFrozenDevices(windowStart: number): Promise<FrozenDevice[]>;
  /** DataLogger.deviceFrozenReason and correctionOf: a direct view, what verification trusts. */
  readDeviceFreeze(windowStart: number, deviceId: string): Promise<DeviceFreeze>;
  /** Certified devices (revoked ones with `active: false`), newest first; `organisationIds` keeps those certified under them. */
  listDevices(query: ListQuery & { organisationIds?: readonly bigint[] }): Promise<Page<DeviceRecord>>;
  /** One device's full record (`getDevice`): certifier, organisation, role, capacity, revocation. */
  readDevice(deviceId: string): Promise<OnChainDevice>;
  verifyOnChain(windowStart: number, proof: ReadingProof): Promise<boolean>;
  /** `identityOf` then `profileCid`: the account's identity, or null when it holds none. */
  readIdentity(account: Address): Promise<CompanyIdentity | null>;
  readOrganisation(organisationId: bigint): Promise<Organisation>;
  /** `organisationCount`: ids count from 1, so the next organisation gets this + 1. */
  readOrganisationCount(): Promise<bigint>;
  /** `trustedOrganisations(account)`, sorted by id. */
  readTrustedOrganisations(account: Address): Promise<bigint[]>;
  /** Organisations with their current members (events), oldest first; `member` keeps those the account belongs to. */
  listOrganisations(query: ListQuery & { member?: Address }): Promise<Page<OrganisationRecord>>;
  /**
   * One organisation's current members from the events, indexed at least up to `minBlock` (the block of the
   * caller's last change, so a member list is never built from a view older than it). Waits up to ~15 s for it.
   */
  readOrganisationMembers(organisationId: bigint, minBlock?: bigint): Promise<OrganisationRecord>;
}

/**
 * Binds the DataLogger and DeviceRegistry reads to one wagmi config.
 * @example const chain = createChainReader(wagmi, app); const { items } = await chain.listWindows({ limit: 50 });
 */
export function createChainReader(wagmi: Config, app: AppConfig, indexer: Indexer = createAppIndexer(wagmi, app)): ChainReader {
  const readWindow = async (windowStart: number): Promise<OnChainWindow> => {
    const r = await readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'getWindow', args: [BigInt(windowStart)] });
    return {
      windowStart: Number(r.windowStart),
      windowSeconds: Number(r.windowSeconds),
      root: r.root,
      cidDigest: r.cidDigest,
      deviceCount: Number(r.deviceCount),
      readingCount: Number(r.readingCount),
      energyWh: BigInt(r.energyWh),
      recordedAt: Number(r.recordedAt),
    };
  };
  // Today's WindowRecorded event does not carry the window length, and the DataLogger fixes one
  // length per deployment: it is read once per page load from one record, not once per window.
  let windowSeconds: Promise<number> | undefined;
  const deploymentWindowSeconds = (anyWindowStart: number) => {
    windowSeconds ??= readWindow(anyWindowStart).then((w) => w.windowSeconds);
    windowSeconds.catch(() => (windowSeconds = undefined));
    return windowSeconds;
  };
  return {
    readWindow,
    async listWindows({ offset = 0, limit }) {
      const page = await indexer.recordedWindows({ order: 'desc', offset, limit });
      const items: ListedWindow[] = [];
      for (const w of page.items) {
        // The indexer's record, with the window length filled in.
        items.push({ ...w, windowSeconds: w.windowSeconds ?? (await deploymentWindowSeconds(w.windowStart)) });
      }
      return { ...page, items };
    },
    listUnrecordedCommits: ({ offset = 0, limit }) => indexer.unrecordedCommits({ order: 'desc', offset, limit }),
    async listFrozenDevices(windowStart) {
      return (await indexer.frozenDevices({ windowStarts: [windowStart] })).items;
    },
    async readDeviceFreeze(windowStart, deviceId) {
      const args = [BigInt(windowStart), toHex(deviceIdToBytes(deviceId))] as const;
      const [reason, correctedLeaf] = await Promise.all([
        readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'deviceFrozenReason', args }),
        readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'correctionOf', args }),
      ]);
      return { reason: Number(reason), correctedLeaf: /^0x0*$/.test(correctedLeaf) ? null : correctedLeaf };
    },
    listDevices: ({ offset = 0, limit, organisationIds }) => indexer.devices({ order: 'desc', offset, limit, organisationIds }),
    async readDevice(deviceId) {
      const d = await readContract(wagmi, {
        address: app.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'getDevice',
        args: [toHex(deviceIdToBytes(deviceId))],
      });
      return {
        deviceId: hexToString(d.deviceId),
        keyType: d.keyType,
        publicKey: d.publicKey,
        owner: d.owner,
        role: d.role,
        ratedCapacityW: d.ratedCapacityW,
        certifier: d.certifier,
        organisationId: d.organisationId,
        certifiedAt: Number(d.certifiedAt),
        revokedAt: Number(d.revokedAt),
        revocationReason: d.revocationReason,
      };
    },
    async verifyOnChain(windowStart, proof) {
      const s = proof.summary;
      return readContract(wagmi, {
        address: app.dataLogger,
        abi: dataLoggerAbi,
        functionName: 'verifyReading',
        args: [
          BigInt(windowStart),
          proof.signedReading,
          proof.readingProof,
          {
            deviceId: toHex(deviceIdToBytes(s.deviceId)),
            readingsRoot: s.readingsRoot,
            readingCount: s.readingCount,
            firstCounter: BigInt(s.firstCounter),
            lastCounter: BigInt(s.lastCounter),
            energyStartWh: BigInt(s.energyStartWh),
            energyEndWh: BigInt(s.energyEndWh),
            baselineLeaf: s.baselineLeaf,
          },
          proof.summaryProof,
        ],
      });
    },
    async readIdentity(account) {
      const address = contract(app, 'companyIdentity');
      const id = await readContract(wagmi, { address, abi: companyIdentityAbi, functionName: 'identityOf', args: [account] });
      if (id === 0n) return null;
      return { id, profileCid: await readContract(wagmi, { address, abi: companyIdentityAbi, functionName: 'profileCid', args: [id] }) };
    },
    async readOrganisation(organisationId) {
      const o = await readContract(wagmi, {
        address: contract(app, 'installerRegistry'),
        abi: installerRegistryAbi,
        functionName: 'getOrganisation',
        args: [organisationId],
      });
      return {
        organisationId,
        name: o.name,
        memberListCid: o.memberListCid,
        createdAt: Number(o.createdAt),
        adminCount: Number(o.adminCount),
        electricianCount: Number(o.electricianCount),
      };
    },
    readOrganisationCount: () =>
      readContract(wagmi, { address: contract(app, 'installerRegistry'), abi: installerRegistryAbi, functionName: 'organisationCount' }),
    async readTrustedOrganisations(account) {
      const ids = await readContract(wagmi, {
        address: contract(app, 'installerRegistry'),
        abi: installerRegistryAbi,
        functionName: 'trustedOrganisations',
        args: [account],
      });
      return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    listOrganisations: ({ offset = 0, limit, member }) => {
      contract(app, 'installerRegistry');
      return indexer.organisations({ order: 'asc', offset, limit, member });
    },
    async readOrganisationMembers(organisationId, minBlock = 0n) {
      contract(app, 'installerRegistry');
      for (let attempt = 0; ; attempt++) {
        const page = await indexer.organisations({ organisationIds: [organisationId], limit: 1 });
        if (page.syncedTo >= minBlock && page.items[0]) return page.items[0];
        if (attempt >= 50) {
          throw new ChainNotIndexedError(
            `Organisation #${organisationId} is not in the InstallerRegistry's events up to block ${minBlock} (indexed to ${page.syncedTo}).`,
            {
              details: { organisationId: organisationId.toString(), minBlock: minBlock.toString(), syncedTo: page.syncedTo.toString() },
            },
          );
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    },
  };
}

/** A contract only some pages need: its address from config.json, or a sentence saying it is missing. */
export function contract(app: AppConfig, key: 'companyIdentity' | 'installerRegistry'): Address {
  const address = app[key];
  if (!address) throw new InvalidAppConfigError(`config.json has no ${key} address: this page needs the deployment's ${key}.`, { details: { key } });
  return address;
}

/**
 * The app's indexer: the DataLogger's, DeviceRegistry's and (when configured) InstallerRegistry's and
 * CompanyIdentity's events from the deployment's start block, through the wagmi client.
 */
export function createAppIndexer(wagmi: Config, app: AppConfig): Indexer {
  return createRpcIndexer({
    client: getPublicClient(wagmi) as unknown as PublicClient,
    contracts: {
      dataLogger: app.dataLogger,
      deviceRegistry: app.deviceRegistry,
      ...(app.installerRegistry ? { installerRegistry: app.installerRegistry } : {}),
      ...(app.companyIdentity ? { companyIdentity: app.companyIdentity } : {}),
    },
    startBlock: app.startBlock,
  });
}

/**
 * Fetches a block from a trustless gateway as raw bytes; the caller hashes them, so the gateway is not trusted.
 * @example const bytes = await fetchBlock('http://127.0.0.1:8080', 'bagu…');
 */
export async function fetchBlock(gatewayUrl: string, cid: string, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  // The trustless-gateway path (any IPFS gateway serves it; the oracle API's is one), from the API client's table.
  const response = await fetchFn(`${gatewayUrl}${oracleApiPaths.block(cid, 'raw')}`, { headers: { accept: RAW_BLOCK_TYPE } });
  if (!response.ok) {
    throw new GatewayFetchError(`Gateway ${gatewayUrl} answered HTTP ${response.status} for ${cid}.`, { details: { status: response.status, cid } });
  }
  return new Uint8Array(await response.arrayBuffer());
}
