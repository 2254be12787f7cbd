import { createPublicClient, http, type Address, type Hex } from 'viem';
import {
  dataLoggerAbi,
  decodeWindowDocument,
  deviceIdToBytes,
  deviceRegistryAbi,
  fromHex,
  toHex,
  windowStartOf,
  type DeviceKey,
  type KeystoneWorkflowIdentity,
} from '@gridproof/protocol';
import { verifyWindow } from '@gridproof/functions-source';
import { submitKeystoneReport } from '@gridproof/test-support';
import { TickLoop } from './tickLoop.js';

export interface LocalDonParameters {
  rpcUrl: string;
  /** Base URL of the oracle API (the DON trusts nothing it returns). */
  apiUrl: string;
  forwarder: Address;
  dataLogger: Address;
  deviceRegistry: Address;
  /** secp256k1 keys of the DON nodes, as configured in the forwarder. */
  nodeKeys: Hex[];
  f: number;
  donId: number;
  configVersion: number;
  identity: KeystoneWorkflowIdentity;
  /** Pays gas and calls the forwarder (any account; the forwarder checks signatures, not the sender). */
  transmitterKey: Hex;
  windowSeconds: number;
  /** Seconds after a window's end before it is due (the API's seal grace plus a margin). */
  sealDelaySeconds: number;
  /** How many past windows each tick re-checks, so a missed tick is caught up. */
  lookbackWindows?: number;
  /** Gas for `KeystoneForwarder.report` (default 1,000,000). */
  gasLimit?: bigint;
  now?: () => number;
  log?: (line: string) => void;
}

export type WindowOutcome =
  | { windowStart: number; status: 'recorded'; txHash: Hex; cid: string }
  | { windowStart: number; status: 'refused'; reason: string }
  | { windowStart: number; status: 'already-recorded' | 'empty' | 'not-sealed' | 'failed'; reason?: string };

class DocumentUnavailable extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * A local Chainlink DON: on every tick each node independently fetches the due window from the
 * API, reads the device keys from the chain, and runs the same verification core as the CRE
 * workflow. When at least 2f+1 nodes produce the identical report (CRE's `identical`
 * consensus), f+1 of them sign the Keystone envelope and the transmitter submits it through
 * Chainlink's KeystoneForwarder to the data logger. A window that fails verification gets no
 * report, and the log names the reading.
 */
export class LocalDon extends TickLoop<WindowOutcome[]> {
  private readonly publicClient;
  private readonly refused = new Map<number, string>();

  constructor(readonly p: LocalDonParameters) {
    super();
    if (p.nodeKeys.length < 3 * p.f + 1) throw new Error(`A DON with f=${p.f} needs at least ${3 * p.f + 1} nodes.`);
    this.publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  }

  protected log(line: string) {
    (this.p.log ?? console.log)(line);
  }

  /** Windows due at `now`, oldest first. */
  dueWindows(now: number): number[] {
    const latest = windowStartOf(now - this.p.sealDelaySeconds, this.p.windowSeconds) - this.p.windowSeconds;
    const n = this.p.lookbackWindows ?? 5;
    return Array.from({ length: n }, (_, i) => latest - (n - 1 - i) * this.p.windowSeconds).filter((w) => w >= 0);
  }

  async tick(): Promise<WindowOutcome[]> {
    const now = this.p.now?.() ?? Math.floor(Date.now() / 1000);
    const outcomes: WindowOutcome[] = [];
    for (const windowStart of this.dueWindows(now)) outcomes.push(await this.processWindow(windowStart));
    return outcomes;
  }

  private async fetchDocument(windowStart: number): Promise<Uint8Array> {
    const res = await fetch(`${this.p.apiUrl}/v1/windows/${windowStart}/document`);
    if (!res.ok) throw new DocumentUnavailable(res.status);
    return new Uint8Array(await res.arrayBuffer());
  }

  private async readDeviceKeys(deviceIds: string[]): Promise<Record<string, (DeviceKey & { active: boolean }) | undefined>> {
    const devices = (await this.publicClient.readContract({
      address: this.p.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      args: [deviceIds.map((id) => toHex(deviceIdToBytes(id)))],
    })) as readonly { keyType: number; active: boolean; publicKey: Hex }[];
    return Object.fromEntries(
      deviceIds.map((id, i) => [id, devices[i].keyType === 0 ? undefined : { keyType: devices[i].keyType as 1 | 2, publicKey: fromHex(devices[i].publicKey), active: devices[i].active }]),
    );
  }

  /** What one DON node reports for a window: the verified payload, or the error that stopped it. */
  private async nodeObservation(windowStart: number): Promise<{ payload: Hex; cid: string } | { error: Error }> {
    try {
      const documentBytes = await this.fetchDocument(windowStart);
      const ids = decodeWindowDocument(documentBytes).devices.map((d) => d.deviceId);
      const deviceKeys = await this.readDeviceKeys(ids);
      const { payload, cid } = verifyWindow({ documentBytes, expectedWindowStart: windowStart, windowSeconds: this.p.windowSeconds, deviceKeys });
      return { payload, cid };
    } catch (error) {
      return { error: error as Error };
    }
  }

  async processWindow(windowStart: number): Promise<WindowOutcome> {
    const recorded = await this.publicClient.readContract({ address: this.p.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] });
    if (recorded) return { windowStart, status: 'already-recorded' };

    const observations = await Promise.all(this.p.nodeKeys.map(() => this.nodeObservation(windowStart)));
    const first = observations[0];
    if ('error' in first) {
      if (first.error instanceof DocumentUnavailable) {
        return { windowStart, status: first.error.status === 404 ? 'empty' : first.error.status === 409 ? 'not-sealed' : 'failed', reason: first.error.message };
      }
      const reason = `${(first.error as { code?: string }).code ?? first.error.name}: ${first.error.message}`;
      if (this.refused.get(windowStart) !== reason) this.log(`refused window ${windowStart}: ${reason}`);
      this.refused.set(windowStart, reason);
      return { windowStart, status: 'refused', reason };
    }
    // Consensus `identical`: at least 2f+1 nodes must have produced the same bytes.
    const agreeing = observations.filter((o) => 'payload' in o && o.payload === first.payload).length;
    if (agreeing < 2 * this.p.f + 1) {
      const reason = `no consensus: ${agreeing} of ${observations.length} nodes agree`;
      this.log(`refused window ${windowStart}: ${reason}`);
      return { windowStart, status: 'refused', reason };
    }

    const result = await submitKeystoneReport({
      rpcUrl: this.p.rpcUrl,
      forwarder: this.p.forwarder,
      receiver: this.p.dataLogger,
      payload: first.payload,
      identity: this.p.identity,
      nodeKeys: this.p.nodeKeys,
      f: this.p.f,
      donId: this.p.donId,
      configVersion: this.p.configVersion,
      executionSeed: BigInt(windowStart),
      transmitterKey: this.p.transmitterKey,
      gasLimit: this.p.gasLimit,
    });
    if (!result.ok) {
      this.log(`window ${windowStart}: submission failed: ${result.reason}${result.txHash ? ` (tx ${result.txHash})` : ''}`);
      return { windowStart, status: 'failed', reason: result.reason };
    }
    this.log(`recorded window ${windowStart} (${new Date(windowStart * 1000).toISOString()}) cid ${first.cid} tx ${result.txHash}`);
    return { windowStart, status: 'recorded', txHash: result.txHash, cid: first.cid };
  }
}
