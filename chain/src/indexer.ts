import { deviceIdFromBytes, fromHex } from '@gridproof/protocol';
import type { Address, Hex, PublicClient } from 'viem';
import { findDeploymentBlock } from './deploymentBlock.js';
import type { AnyIndexedLog, ContractKey, IndexedLog } from './eventLists.js';
import { createLogCache, type LogCache, type LogCacheStatus, type SyncResult } from './logCache.js';

/** Where a fact was written on chain. */
export interface ChainPosition {
  blockNumber: bigint;
  transactionHash: Hex;
}

/** A DataLogger `WindowCommitted` event: phase one of the two-phase anchor. */
export interface WindowCommitment extends ChainPosition {
  windowStart: number;
  /** SHA-256 of the window document, fixed before the sampling seed existed. */
  cidDigest: Hex;
  /** The block whose hash seeds the window's signature sample (commit block + 1). */
  seedBlock: bigint;
  /** Block timestamp of the commit. */
  committedAt: number;
}

/** A DataLogger `WindowRecorded` event, with its commit and what became of the window. */
export interface RecordedWindow extends ChainPosition {
  windowStart: number;
  /** From the event when it carries it; the DataLogger's event of today does not. */
  windowSeconds: number | undefined;
  root: Hex;
  cidDigest: Hex;
  deviceCount: number;
  readingCount: number;
  /** Exact (uint64 on chain): a window's total may pass 2^53−1. */
  energyWh: bigint;
  /** Block timestamp of the recording (= `WindowRecord.recordedAt`). */
  recordedAt: number;
  /** The commit this record completed; null only when it lies before the indexer's start block. */
  commit: WindowCommitment | null;
  /** Every device freeze in the window, in chain order (a corrected device frozen again appears twice). */
  frozenDevices: FrozenDevice[];
  /** Set once the WindowChallenger proved the window's totals wrong. */
  totalsFrozen: TotalsFreeze | null;
}

/**
 * A DataLogger `DeviceFrozen` event: one device's summary in one window proven fraudulent. The device's readings
 * in the window are unprovable while `correction` is null (= `deviceFrozenReason(windowStart, deviceId) == reason`).
 */
export interface FrozenDevice extends ChainPosition {
  windowStart: number;
  deviceId: string;
  /** WindowChallenger reason code (IWindowChallenger: 1 bad signature … 15 malformed reading). */
  reason: number;
  challenger: Address;
  /** The leaf the proof was about (a reading leaf or a summary leaf). */
  evidence: Hex;
  frozenAt: number;
  /** The DON's corrected summary that lifted this freeze (`DeviceCorrected`), or null while frozen. */
  correction: DeviceCorrection | null;
}

/** A DataLogger `DeviceCorrected` event. */
export interface DeviceCorrection extends ChainPosition {
  summaryLeaf: Hex;
  cidDigest: Hex;
  correctedAt: number;
}

/** A DataLogger `WindowTotalsFrozen` event. */
export interface TotalsFreeze extends ChainPosition {
  reason: number;
  challenger: Address;
  frozenAt: number;
}

/**
 * A device as the DeviceRegistry's `DeviceCertified` / `DeviceRevoked` events describe it (= `getDevice`). A reading
 * of it counts iff `revokedAt === null || timestamp < revokedAt` (protocol's `isValidAtRevocation`).
 */
export interface DeviceRecord extends ChainPosition {
  deviceId: string;
  /** 1 P-256, 2 Ed25519. */
  keyType: number;
  publicKey: Hex;
  owner: Address;
  /** protocol `DeviceRole`: 1 production, 2 consumption, 3 grid status. */
  role: number;
  ratedCapacityW: number;
  /** The electrician who certified it. */
  certifier: Address;
  /** The installer organisation it was certified under. */
  organisationId: bigint;
  /** Block timestamp of the certification (= `Device.certifiedAt`). */
  certifiedAt: number;
  /** `Device.revokedAt` (unix seconds) once revoked, else null. */
  revokedAt: number | null;
  /** protocol `RevocationReason` (1 seal broken … 5 other) once revoked, else null. */
  revocationReason: number | null;
  /** The admin who revoked it, or null. */
  revokedBy: Address | null;
  /** `revokedAt === null`. */
  active: boolean;
}

/** An installer organisation, from the InstallerRegistry's events (= `getOrganisation`, `isAdmin`, `isElectrician`). */
export interface OrganisationRecord extends ChainPosition {
  organisationId: bigint;
  name: string;
  /** Block timestamp of `OrganisationCreated`. */
  createdAt: number;
  /** Current admins, in the order they were added (never empty). */
  admins: Address[];
  /** Current electricians, in the order they were added. */
  electricians: Address[];
  /** CID of the current member-list document (the last `MemberListPublished`). */
  memberListCid: string;
}

/** The organisations one account trusts (= `trustedOrganisations`, here in the order trusted). */
export interface TrustList {
  account: Address;
  organisationIds: bigint[];
}

/** A soulbound company identity, from the CompanyIdentity's events (= `holderOf`, `profileCid`). */
export interface CompanyIdentityRecord extends ChainPosition {
  id: bigint;
  holder: Address;
  /** CID of the encrypted profile (the last `ProfileUpdated`, else the registration's). */
  profileCid: string;
  registeredAt: number;
  /** Block timestamp of the burn, or null while held. */
  burnedAt: number | null;
}

export interface ListQuery {
  /** 'asc' (default): chain order; 'desc': newest first. */
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface WindowQuery extends ListQuery {
  /** Only these windows. */
  windowStarts?: readonly number[];
}

export interface FrozenDeviceQuery extends WindowQuery {
  /** Only these devices. */
  deviceIds?: readonly string[];
  /** true: only freezes not lifted by a correction (the device is unprovable now); false: only corrected ones. */
  frozen?: boolean;
}

export interface DeviceQuery extends ListQuery {
  deviceIds?: readonly string[];
  /** Only devices certified under these organisations. */
  organisationIds?: readonly bigint[];
}

export interface OrganisationQuery extends ListQuery {
  organisationIds?: readonly bigint[];
  /** Only organisations this account is an admin or electrician of. */
  member?: Address;
}

export interface TrustListQuery extends ListQuery {
  /** Only these accounts (an account that trusts nothing gets an empty list). */
  accounts?: readonly Address[];
}

export interface CompanyIdentityQuery extends ListQuery {
  ids?: readonly bigint[];
  holders?: readonly Address[];
  /** true: only burned ones; false: only held ones. */
  burned?: boolean;
}

/** One page of a list, and how far the chain was indexed when it was read. */
export interface Page<T> {
  items: T[];
  /** Items matching the query before offset/limit. */
  total: number;
  syncedTo: bigint;
}

export interface IndexerStatus extends LogCacheStatus {
  /** Unix ms of the last completed sync, or null. */
  syncedAt: number | null;
}

/**
 * The one way to read GridProof's lists from the chain. Queries answer from a cache brought up to
 * date (head − confirmations) first when it is older than `maxAgeMs`; `sync()` forces that. The
 * RPC adapter is `createRpcIndexer`; a subgraph adapter can implement the same interface.
 */
export interface Indexer {
  sync(): Promise<SyncResult>;
  recordedWindows(query?: WindowQuery): Promise<Page<RecordedWindow>>;
  /**
   * Windows committed (phase one) but not recorded, in commit order: a draw still pending, or a document the API
   * withheld after the commit (it stays here for good: a missing window, visible as such).
   */
  unrecordedCommits(query?: WindowQuery): Promise<Page<WindowCommitment>>;
  /** Device freezes over all windows, in chain order (each also in its window's `frozenDevices`). */
  frozenDevices(query?: FrozenDeviceQuery): Promise<Page<FrozenDevice>>;
  /** Certified devices, revoked ones included (`active: false`), in certification order. */
  devices(query?: DeviceQuery): Promise<Page<DeviceRecord>>;
  /** Installer organisations with their current admins, electricians and member-list CID, in creation order. */
  organisations(query?: OrganisationQuery): Promise<Page<OrganisationRecord>>;
  /** Per account, the organisations it trusts now; accounts in the order they first trusted one. */
  trustLists(query?: TrustListQuery): Promise<Page<TrustList>>;
  /** Company identities (burned ones included, `burnedAt` set), in mint order. */
  companyIdentities(query?: CompanyIdentityQuery): Promise<Page<CompanyIdentityRecord>>;
  status(): IndexerStatus;
}

/** The addresses of a deployment (contracts/deployments/<chainId>.json has these names). */
export type IndexerContracts = Partial<Record<ContractKey, Address>>;

export interface CreateRpcIndexerParameters {
  client: PublicClient;
  contracts: IndexerContracts;
  /**
   * First block to read: the deployment's `startBlock` (contracts/deployments/<chainId>.json).
   * Omitted: found once with `findDeploymentBlock` (bisection over eth_getCode; needs historical state).
   */
  startBlock?: bigint | number;
  /** Most blocks per eth_getLogs (default 10,000). */
  pageBlocks?: number;
  /** Blocks below the head left unindexed (default 0). */
  confirmations?: number;
  /** A query syncs first when the last sync is older than this (default 1,000 ms; 0: every query). */
  maxAgeMs?: number;
  /** Milliseconds clock (tests). */
  nowMs?: () => number;
}

function page<T>(all: T[], q: ListQuery, syncedTo: bigint): Page<T> {
  const ordered = q.order === 'desc' ? [...all].reverse() : all;
  const offset = q.offset ?? 0;
  return { items: ordered.slice(offset, q.limit === undefined ? undefined : offset + q.limit), total: all.length, syncedTo };
}

/** The items whose key is in `only`; all of them when `only` is undefined. */
function among<T, K>(items: T[], key: (item: T) => K, only: readonly K[] | undefined): T[] {
  if (!only) return items;
  const wanted = new Set(only);
  return items.filter((item) => wanted.has(key(item)));
}

/** Chain order: by block, then by log index. */
const chainOrder = (x: Pick<IndexedLog, 'blockNumber' | 'logIndex'>, y: Pick<IndexedLog, 'blockNumber' | 'logIndex'>) =>
  x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1;

const position = (l: Pick<IndexedLog, 'blockNumber' | 'transactionHash'>): ChainPosition => ({
  blockNumber: l.blockNumber,
  transactionHash: l.transactionHash,
});

/**
 * The RPC adapter: viem `getLogs` over the deployment's contracts from its start block, in pages,
 * at a confirmation depth, reorg-safe and incremental (see `createLogCache`).
 * @example
 * const indexer = createRpcIndexer({ client, contracts: deployment, startBlock: deployment.startBlock });
 * const { items } = await indexer.recordedWindows({ order: 'desc', limit: 50 });
 */
export function createRpcIndexer(params: CreateRpcIndexerParameters): Indexer {
  const maxAgeMs = params.maxAgeMs ?? 1000;
  const nowMs = params.nowMs ?? Date.now;
  const contracts: IndexerContracts = {
    dataLogger: params.contracts.dataLogger,
    deviceRegistry: params.contracts.deviceRegistry,
    installerRegistry: params.contracts.installerRegistry,
    companyIdentity: params.contracts.companyIdentity,
  };
  let cache: LogCache | undefined;
  let cacheReady: Promise<LogCache> | undefined;
  let syncedAt: number | null = null;

  function ready(): Promise<LogCache> {
    cacheReady ??= (async () => {
      let startBlock: bigint;
      if (params.startBlock !== undefined) startBlock = BigInt(params.startBlock);
      else {
        const followed = Object.values(contracts).filter((a): a is Address => a !== undefined);
        const blocks = await Promise.all(followed.map((a) => findDeploymentBlock(params.client, a)));
        // biome-ignore lint/complexity/useMathMinMax: block numbers are bigints, which Math.min does not take
        startBlock = blocks.reduce((a, b) => (b < a ? b : a));
      }
      cache = createLogCache({ client: params.client, contracts, startBlock, pageBlocks: params.pageBlocks, confirmations: params.confirmations });
      return cache;
    })().catch((err) => {
      cacheReady = undefined;
      throw err;
    });
    return cacheReady;
  }

  async function sync(): Promise<SyncResult> {
    const c = await ready();
    const result = await c.sync();
    syncedAt = nowMs();
    return result;
  }

  async function fresh(): Promise<LogCache> {
    const c = await ready();
    if (syncedAt === null || nowMs() - syncedAt >= maxAgeMs) await sync();
    return c;
  }

  // Projections, recomputed only when the cache changed.
  let memo:
    | {
        version: number;
        windows: RecordedWindow[];
        unrecorded: WindowCommitment[];
        frozen: FrozenDevice[];
        devices: DeviceRecord[];
        organisations: OrganisationRecord[];
        trustLists: TrustList[];
        identities: CompanyIdentityRecord[];
      }
    | undefined;
  function project(c: LogCache) {
    if (memo?.version === c.version) return memo;
    const has = (l: string) => c.lists().includes(l as never);
    const commits = new Map<number, WindowCommitment>();
    if (has('windowCommitted')) {
      for (const l of c.logs('windowCommitted')) {
        const windowStart = Number(l.args.windowStart);
        commits.set(windowStart, {
          ...position(l),
          windowStart,
          cidDigest: l.args.cidDigest,
          seedBlock: BigInt(l.args.seedBlock),
          committedAt: l.blockTimestamp,
        });
      }
    }
    // Freezes and corrections in chain order: a correction lifts the device's open freeze in that window.
    const frozen: FrozenDevice[] = [];
    if (has('deviceFrozen')) {
      const events: AnyIndexedLog[] = [...c.logs('deviceFrozen'), ...c.logs('deviceCorrected')];
      events.sort(chainOrder);
      const open = new Map<string, FrozenDevice>();
      for (const l of events) {
        if (l.list !== 'deviceFrozen' && l.list !== 'deviceCorrected') continue;
        const windowStart = Number(l.args.windowStart);
        const deviceId = deviceIdFromBytes(fromHex(l.args.deviceId));
        const key = `${windowStart}/${deviceId}`;
        if (l.list === 'deviceFrozen') {
          const f: FrozenDevice = {
            ...position(l),
            windowStart,
            deviceId,
            reason: l.args.reason,
            challenger: l.args.challenger,
            evidence: l.args.evidence,
            frozenAt: l.blockTimestamp,
            correction: null,
          };
          frozen.push(f);
          open.set(key, f);
        } else {
          const f = open.get(key);
          if (f) f.correction = { ...position(l), summaryLeaf: l.args.summaryLeaf, cidDigest: l.args.cidDigest, correctedAt: l.blockTimestamp };
          open.delete(key);
        }
      }
    }
    const totals = new Map<number, TotalsFreeze>();
    if (has('windowTotalsFrozen')) {
      for (const l of c.logs('windowTotalsFrozen')) {
        totals.set(Number(l.args.windowStart), { ...position(l), reason: l.args.reason, challenger: l.args.challenger, frozenAt: l.blockTimestamp });
      }
    }
    const recorded = new Set<number>();
    const windows: RecordedWindow[] = has('windowRecorded')
      ? c.logs('windowRecorded').map((l) => {
          const a = l.args as typeof l.args & { windowSeconds?: number };
          const windowStart = Number(a.windowStart);
          recorded.add(windowStart);
          return {
            ...position(l),
            windowStart,
            windowSeconds: a.windowSeconds === undefined ? undefined : Number(a.windowSeconds),
            root: a.root,
            cidDigest: a.cidDigest,
            deviceCount: a.deviceCount,
            readingCount: a.readingCount,
            energyWh: BigInt(a.energyWh),
            recordedAt: l.blockTimestamp,
            commit: commits.get(windowStart) ?? null,
            frozenDevices: frozen.filter((f) => f.windowStart === windowStart),
            totalsFrozen: totals.get(windowStart) ?? null,
          };
        })
      : [];
    const unrecorded = [...commits.values()].filter((w) => !recorded.has(w.windowStart));
    const devicesById = new Map<string, DeviceRecord>();
    if (has('deviceCertified')) {
      // Certifications and revocations in chain order: ids are never reused, a revocation is final.
      const events: AnyIndexedLog[] = [...c.logs('deviceCertified'), ...c.logs('deviceRevoked')];
      events.sort(chainOrder);
      for (const l of events) {
        if (l.list !== 'deviceCertified' && l.list !== 'deviceRevoked') continue;
        const deviceId = deviceIdFromBytes(fromHex(l.args.deviceId));
        if (l.list === 'deviceCertified') {
          const a = l.args;
          devicesById.set(deviceId, {
            ...position(l),
            deviceId,
            keyType: a.keyType,
            publicKey: a.publicKey,
            owner: a.owner,
            role: a.role,
            ratedCapacityW: a.ratedCapacityW,
            certifier: a.certifier,
            organisationId: a.organisationId,
            certifiedAt: l.blockTimestamp,
            revokedAt: null,
            revocationReason: null,
            revokedBy: null,
            active: true,
          });
        } else {
          const d = devicesById.get(deviceId);
          if (d) devicesById.set(deviceId, { ...d, active: false, revokedAt: Number(l.args.revokedAt), revocationReason: l.args.reason, revokedBy: l.args.by });
        }
      }
    }
    const organisations = new Map<bigint, OrganisationRecord>();
    const trust = new Map<string, TrustList>();
    if (has('organisationCreated')) {
      const events: AnyIndexedLog[] = [
        'organisationCreated',
        'adminAdded',
        'adminRemoved',
        'electricianAdded',
        'electricianRemoved',
        'memberListPublished',
        'organisationTrusted',
        'organisationDistrusted',
      ].flatMap((n) => c.logs(n as 'organisationCreated') as AnyIndexedLog[]);
      events.sort(chainOrder);
      const without = (list: Address[], account: Address) => list.filter((a) => a.toLowerCase() !== account.toLowerCase());
      for (const l of events) {
        if (l.list === 'organisationTrusted' || l.list === 'organisationDistrusted') {
          const key = l.args.account.toLowerCase();
          const t = trust.get(key) ?? { account: l.args.account, organisationIds: [] };
          t.organisationIds = t.organisationIds.filter((id) => id !== l.args.organisationId);
          if (l.list === 'organisationTrusted') t.organisationIds.push(l.args.organisationId);
          trust.set(key, t);
          continue;
        }
        if (l.list === 'organisationCreated') {
          organisations.set(l.args.organisationId, {
            ...position(l),
            organisationId: l.args.organisationId,
            name: l.args.name,
            createdAt: l.blockTimestamp,
            admins: [l.args.admin],
            electricians: [],
            memberListCid: '',
          });
          continue;
        }
        if (
          l.list !== 'adminAdded' &&
          l.list !== 'adminRemoved' &&
          l.list !== 'electricianAdded' &&
          l.list !== 'electricianRemoved' &&
          l.list !== 'memberListPublished'
        )
          continue;
        const o = organisations.get(l.args.organisationId);
        if (!o) continue; // created before the start block
        if (l.list === 'memberListPublished') o.memberListCid = l.args.cid;
        else if (l.list === 'adminAdded') o.admins = [...without(o.admins, l.args.account), l.args.account];
        else if (l.list === 'adminRemoved') o.admins = without(o.admins, l.args.account);
        else if (l.list === 'electricianAdded') o.electricians = [...without(o.electricians, l.args.account), l.args.account];
        else o.electricians = without(o.electricians, l.args.account);
      }
    }
    const identities = new Map<bigint, CompanyIdentityRecord>();
    if (has('companyRegistered')) {
      const events: AnyIndexedLog[] = [...c.logs('companyRegistered'), ...c.logs('profileUpdated'), ...c.logs('identityBurned')];
      events.sort(chainOrder);
      for (const l of events) {
        if (l.list === 'companyRegistered') {
          identities.set(l.args.id, {
            ...position(l),
            id: l.args.id,
            holder: l.args.holder,
            profileCid: l.args.profileCid,
            registeredAt: l.blockTimestamp,
            burnedAt: null,
          });
        } else if (l.list === 'profileUpdated') {
          const i = identities.get(l.args.id);
          if (i) i.profileCid = l.args.profileCid;
        } else if (l.list === 'identityBurned') {
          const i = identities.get(l.args.id);
          if (i) i.burnedAt = l.blockTimestamp;
        }
      }
    }
    memo = {
      version: c.version,
      windows,
      unrecorded,
      frozen,
      devices: [...devicesById.values()],
      organisations: [...organisations.values()],
      trustLists: [...trust.values()],
      identities: [...identities.values()],
    };
    return memo;
  }

  const syncedTo = () => cache!.status().syncedTo;

  return {
    sync,
    async recordedWindows(q = {}) {
      const c = await fresh();
      c.logs('windowRecorded');
      return page(
        among(project(c).windows, (w) => w.windowStart, q.windowStarts),
        q,
        syncedTo(),
      );
    },
    async unrecordedCommits(q = {}) {
      const c = await fresh();
      c.logs('windowCommitted');
      return page(
        among(project(c).unrecorded, (w) => w.windowStart, q.windowStarts),
        q,
        syncedTo(),
      );
    },
    async frozenDevices(q = {}) {
      const c = await fresh();
      c.logs('deviceFrozen');
      const matching = among(
        among(project(c).frozen, (f) => f.windowStart, q.windowStarts),
        (f) => f.deviceId,
        q.deviceIds,
      ).filter((f) => q.frozen === undefined || q.frozen === (f.correction === null));
      return page(matching, q, syncedTo());
    },
    async devices(q = {}) {
      const c = await fresh();
      c.logs('deviceCertified');
      return page(
        among(
          among(project(c).devices, (d) => d.deviceId, q.deviceIds),
          (d) => d.organisationId,
          q.organisationIds,
        ),
        q,
        syncedTo(),
      );
    },
    async organisations(q = {}) {
      const c = await fresh();
      c.logs('organisationCreated');
      const member = q.member?.toLowerCase();
      const isMember = (o: OrganisationRecord) => [...o.admins, ...o.electricians].some((a) => a.toLowerCase() === member);
      return page(
        among(project(c).organisations, (o) => o.organisationId, q.organisationIds).filter((o) => member === undefined || isMember(o)),
        q,
        syncedTo(),
      );
    },
    async trustLists(q = {}) {
      const c = await fresh();
      c.logs('organisationTrusted');
      const lists = project(c).trustLists;
      if (!q.accounts) return page(lists, q, syncedTo());
      const byAccount = new Map(lists.map((t) => [t.account.toLowerCase(), t]));
      return page(
        q.accounts.map((account) => byAccount.get(account.toLowerCase()) ?? { account, organisationIds: [] }),
        q,
        syncedTo(),
      );
    },
    async companyIdentities(q = {}) {
      const c = await fresh();
      c.logs('companyRegistered');
      const holders = q.holders && new Set(q.holders.map((h) => h.toLowerCase()));
      return page(
        among(project(c).identities, (i) => i.id, q.ids).filter(
          (i) => (!holders || holders.has(i.holder.toLowerCase())) && (q.burned === undefined || q.burned === (i.burnedAt !== null)),
        ),
        q,
        syncedTo(),
      );
    },
    status() {
      const s = cache?.status() ?? {
        startBlock: BigInt(params.startBlock ?? 0),
        syncedTo: -1n,
        pageBlocks: params.pageBlocks ?? 10_000,
        confirmations: params.confirmations ?? 0,
        reorgs: 0,
        getLogsRequests: 0,
      };
      return { ...s, syncedAt };
    },
  };
}
