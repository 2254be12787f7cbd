import { readContract, type Config } from '@wagmi/core';
import { deviceIdToBytes, toHex, type ReadingProof } from '@gridproof/protocol';
import { hexToString } from 'viem';
import type { AppConfig } from './config.js';
import { GatewayFetchError } from './errors.js';
import { dataLoggerAbi, deviceRegistryAbi } from './contracts.js';
import type { OnChainDevice, OnChainWindow } from './verify.js';

/** Reads the chain through the app's wagmi config; every call is an eth_call, no wallet. */
export interface ChainReader {
  readWindow(windowStart: number): Promise<OnChainWindow>;
  /** Newest first (recording order reversed), at most `limit`. */
  readRecentWindows(limit: number): Promise<OnChainWindow[]>;
  readDevice(deviceId: string): Promise<OnChainDevice>;
  verifyOnChain(windowStart: number, proof: ReadingProof): Promise<boolean>;
}

/**
 * Binds the DataLogger and DeviceRegistry reads to one wagmi config.
 * @example const chain = createChainReader(wagmi, app); const windows = await chain.readRecentWindows(50);
 */
export function createChainReader(wagmi: Config, app: AppConfig): ChainReader {
  const readWindow = async (windowStart: number): Promise<OnChainWindow> => {
    const r = await readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'getWindow', args: [BigInt(windowStart)] });
    return {
      windowStart: Number(r.windowStart),
      windowSeconds: Number(r.windowSeconds),
      root: r.root,
      cidDigest: r.cidDigest,
      deviceCount: Number(r.deviceCount),
      readingCount: Number(r.readingCount),
      energyWh: Number(r.energyWh),
      recordedAt: Number(r.recordedAt),
    };
  };
  return {
    readWindow,
    async readRecentWindows(limit) {
      const count = Number(await readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'windowCount' }));
      const indexes = Array.from({ length: Math.min(limit, count) }, (_, i) => count - 1 - i);
      const starts = await Promise.all(
        indexes.map((i) => readContract(wagmi, { address: app.dataLogger, abi: dataLoggerAbi, functionName: 'windowStartAt', args: [BigInt(i)] })),
      );
      return Promise.all(starts.map((s) => readWindow(Number(s))));
    },
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

/**
 * Fetches a block from a trustless gateway as raw bytes; the caller hashes them, so the gateway is not trusted.
 * @example const bytes = await fetchBlock('http://127.0.0.1:8080', 'bagu…');
 */
export async function fetchBlock(gatewayUrl: string, cid: string, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  const response = await fetchFn(`${gatewayUrl}/ipfs/${cid}?format=raw`, { headers: { accept: 'application/vnd.ipld.raw' } });
  if (!response.ok) {
    throw new GatewayFetchError(`Gateway ${gatewayUrl} answered HTTP ${response.status} for ${cid}.`, { details: { status: response.status, cid } });
  }
  return new Uint8Array(await response.arrayBuffer());
}

