import { oracleApiPaths, RAW_BLOCK_TYPE } from '@gridproof/oracle-api/client';
import { createRpcIndexer, type DeviceRecord, type FrozenDevice, type Indexer, type Page, type TotalsFreeze, type WindowCommitment } from '@gridproof/chain';
import { getPublicClient, readContract, type Config } from '@wagmi/core';
import { deviceIdToBytes, toHex, type ReadingProof } from '@gridproof/protocol';
import { hexToString, type PublicClient } from 'viem';
import type { AppConfig } from './config.js';
import { GatewayFetchError } from './errors.js';
import { dataLoggerAbi, deviceRegistryAbi } from './contracts.js';
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
  /** Registered devices (revoked ones with `active: false`), newest first. */
  listDevices(query: ListQuery): Promise<Page<DeviceRecord>>;
  readDevice(deviceId: string): Promise<OnChainDevice>;
  verifyOnChain(windowStart: number, proof: ReadingProof): Promise<boolean>;
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
    listDevices: ({ offset = 0, limit }) => indexer.devices({ order: 'desc', offset, limit }),
    async readDevice(deviceId) {
      const d = await readContract(wagmi, {
        address: app.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'getDevice',
        args: [toHex(deviceIdToBytes(deviceId))],
      });
      return { deviceId: hexToString(d.deviceId), keyType: d.keyType, publicKey: d.publicKey, owner: d.owner, active: d.active };
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
  };
}

/** The app's indexer: the DataLogger's and DeviceRegistry's events from the deployment's start block, through the wagmi client. */
export function createAppIndexer(wagmi: Config, app: AppConfig): Indexer {
  return createRpcIndexer({
    client: getPublicClient(wagmi) as unknown as PublicClient,
    contracts: { dataLogger: app.dataLogger, deviceRegistry: app.deviceRegistry },
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
