import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import { EVM_PB, HTTP_CLIENT_PB, SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb';
import { createPublicClient, http, type Address, type Block, type Hex } from 'viem';
import { fromHex, toHex } from '@gridproof/protocol';
import {
  QuickJsWorkflowWorker,
  cronExecuteRequest,
  ensureWorkflowBundle,
  type CapabilityAnswer,
  type CapabilityCall,
} from '@gridproof/functions-source/quickjs';
import { buildKeystoneReport, submitKeystoneReport, type DonConfig } from '@gridproof/test-support';
import { DEFAULT_DATA_DIR } from './env.js';
import { TickLoop } from './tickLoop.js';

/** Where devnet keeps the compiled workflow bundle (rebuilt when a workflow source is newer). */
export const DEFAULT_BUNDLE_FILE = join(DEFAULT_DATA_DIR, 'workflow.js');

/** The DON (`DonConfig`: node keys as configured in the forwarder, f+1 of which sign each report; the transmitter pays gas) and what it reads. */
export interface LocalCreDonParameters extends DonConfig {
  rpcUrl: string;
  /** Base URL of the oracle API (the workflow trusts nothing it returns). */
  apiUrl: string;
  forwarder: Address;
  dataLogger: Address;
  deviceRegistry: Address;
  windowSeconds: number;
  /** Seconds after a window's end before it is due (the API's seal grace plus a margin). */
  sealDelaySeconds: number;
  /** The workflow's sampling (`samplingThreshold`, `sampleSize`); `false` verifies every signature. Default 64 / 32. */
  sampling?: { threshold: number; sampleSize: number } | false;
  /**
   * Block the registry and the sampling seed are read at. Default `finalized`, as in the workflow: a registration a
   * reorg can still remove is not used (devnet's anvil finalizes 2 blocks behind the head, see `DEVNET_SLOTS_IN_AN_EPOCH`).
   * `latest` is an explicit, reorg-UNSAFE opt-in: a window verified against a registration that a reorg then removes
   * can be frozen by `challengeSignature` (DEVICE_NOT_REGISTERED) although it was honest. Only for tests that show that.
   */
  registryBlock?: 'latest' | 'finalized';
  /** Gas for `KeystoneForwarder.report` (the workflow's `gasLimit`; default 1,000,000). */
  gasLimit?: bigint;
  /**
   * Mine an empty block before each cron tick, so `block.timestamp` (the sampling seed's) follows the
   * clock as on a live chain; anvil only mines on transactions. Default true.
   */
  mineBlocks?: boolean;
  /** Cron period of `start()`, s (default 2); the workflow's `schedule` says the same. */
  tickSeconds?: number;
  bundleFile?: string;
  /** The bundle's text, when the caller has built it already (else `create` builds or reads `bundleFile`). */
  bundleSource?: string;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * What one execution of the workflow did: the handler's own outcome (functions-source `TickOutcome`: commit, then draw),
 * or `failed` when the execution errored.
 */
export interface WindowOutcome {
  /** The due window (from the tick's scheduled time); undefined when an execution failed before naming it. */
  windowStart: number | undefined;
  status: 'committed' | 'awaiting-draw' | 'recorded' | 'already-recorded' | 'empty' | 'not-sealed' | 'refused' | 'failed';
  detail: string;
  /** The window before the due one, when this tick finished its phase two (committed but not recorded before). */
  earlier: { windowStart: number; status: WindowOutcome['status']; detail: string }[];
}

/** The JS value of a CRE `values.v1.Value` (the subset a handler's plain-object return uses). */
function unwrapValue(v: VALUES_PB.Value | undefined): unknown {
  const k = v?.value;
  switch (k?.case) {
    case 'stringValue':
    case 'boolValue':
    case 'float64Value':
      return k.value;
    case 'int64Value':
    case 'uint64Value':
      return Number(k.value);
    case 'bytesValue':
      return toHex(k.value);
    case 'listValue':
      return k.value.fields.map(unwrapValue);
    case 'mapValue':
      return Object.fromEntries(Object.entries(k.value.fields).map(([key, f]) => [key, unwrapValue(f)]));
    default:
      return undefined;
  }
}

const bigIntProto = (n: bigint) => {
  const hex = n.toString(16);
  return create(VALUES_PB.BigIntSchema, { absVal: fromHex(`0x${hex.length % 2 ? '0' : ''}${hex}`), sign: n === 0n ? 0n : 1n });
};
const fromBigIntProto = (b: VALUES_PB.BigInt): bigint => {
  const abs = b.absVal.length ? BigInt(toHex(b.absVal)) : 0n;
  return b.sign < 0n ? -abs : abs;
};

/**
 * Devnet's DON: the REAL CRE workflow (functions-source/src/workflow, bundled by cre-compile's
 * TS -> JS step) run in the SDK's own QuickJS plugin wasm, as a DON node runs it, on a cron tick.
 * This class is the local CRE runtime that answers the capabilities the workflow calls:
 * - cron trigger: `start()` ticks every `tickSeconds`; the scheduled time picks the due window;
 * - HTTP client: a real `fetch` to the oracle API;
 * - EVM reads (`callContract`, `headerByNumber`): viem against anvil, each block tag pinned to one
 *   block number for the whole execution;
 * - consensus (`Simple`, identical aggregation): this one process is every node, running the same
 *   code on the same bytes, so the single observation is the agreed value;
 * - report generation: the Keystone report (metadata header ‖ payload) for the local workflow identity;
 * - EVM write: f+1 DON node signatures and `KeystoneForwarder.report`, through `submitKeystoneReport`.
 */
export class LocalCreDon extends TickLoop<WindowOutcome> {
  private readonly publicClient;
  private worker = new QuickJsWorkflowWorker();
  private closed = false;
  private source = '';
  private readonly refused = new Map<number, string>();
  /**
   * Execution seeds: the forwarder attempts one (receiver, execution id) once, and the two-phase anchor writes two reports
   * for one scheduled time (the commit, then the record: `anchorWindow` re-runs the same tick), or two in one execution
   * (the earlier window's record and the due window's commit). So each report gets its own seed: the scheduled time,
   * this DON's random nonce (another instance on the same logger never collides) and a report counter.
   */
  private readonly nonce = BigInt(Math.floor(Math.random() * 2 ** 48));
  private reports = 0n;

  private constructor(readonly p: LocalCreDonParameters) {
    super();
    if (p.nodeKeys.length < 3 * p.f + 1) throw new Error(`A DON with f=${p.f} needs at least ${3 * p.f + 1} nodes.`);
    this.publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  }

  /** Builds (or reuses) the workflow bundle and starts the QuickJS worker. */
  static async create(p: LocalCreDonParameters): Promise<LocalCreDon> {
    const don = new LocalCreDon(p);
    try {
      don.source = p.bundleSource ?? (await ensureWorkflowBundle(p.bundleFile ?? DEFAULT_BUNDLE_FILE, (l) => don.log(l))).source;
    } catch (err) {
      await don.worker.close();
      throw err;
    }
    return don;
  }

  protected log(line: string) {
    (this.p.log ?? console.log)(line);
  }

  /** The workflow's config file (config.<target>.json) for this devnet. */
  workflowConfig(): Record<string, unknown> {
    const sampling = this.p.sampling ?? { threshold: 64, sampleSize: 32 };
    return {
      schedule: `*/${this.p.tickSeconds ?? 2} * * * * *`,
      apiUrl: this.p.apiUrl.replace(/\/$/, ''),
      windowSeconds: this.p.windowSeconds,
      sealDelaySeconds: this.p.sealDelaySeconds,
      chainSelectorName: 'anvil-devnet',
      deviceRegistryAddress: this.p.deviceRegistry,
      dataLoggerAddress: this.p.dataLogger,
      gasLimit: String(this.p.gasLimit ?? 1_000_000n),
      registryBlock: this.p.registryBlock ?? 'finalized',
      ...(sampling ? { samplingThreshold: sampling.threshold, sampleSize: sampling.sampleSize } : {}),
    };
  }

  override start(tickSeconds = this.p.tickSeconds ?? 2): void {
    super.start(tickSeconds);
  }

  /** One cron tick at the current time. */
  async tick(): Promise<WindowOutcome> {
    return this.execute(this.p.now?.() ?? Math.floor(Date.now() / 1000));
  }

  /** Runs the workflow once for the tick that makes `windowStart` due (its end plus the seal delay): one phase. */
  processWindow(windowStart: number): Promise<WindowOutcome> {
    return this.execute(windowStart + this.p.windowSeconds + this.p.sealDelaySeconds);
  }

  /**
   * Runs that tick until the window is past the two-phase anchor (commit, then draw): each execution mines a block, so
   * `committed` and `awaiting-draw` give way to the record (or a refusal) within a few executions.
   */
  async anchorWindow(windowStart: number, maxExecutions = 8): Promise<WindowOutcome> {
    let outcome = await this.processWindow(windowStart);
    for (let i = 1; i < maxExecutions && (outcome.status === 'committed' || outcome.status === 'awaiting-draw'); i++) {
      outcome = await this.processWindow(windowStart);
    }
    return outcome;
  }

  /** One execution of the workflow for a cron tick scheduled at `scheduledSeconds`. */
  async execute(scheduledSeconds: number): Promise<WindowOutcome> {
    if (this.closed) throw new Error('this DON has been stopped');
    // A crashed engine (e.g. a wasm trap outside a run) is replaced, so one bad tick does not end the DON.
    const gone = this.worker.gone;
    if (gone) {
      this.log(`the QuickJS worker ended (${gone.message}); starting a new one`);
      this.worker = new QuickJsWorkflowWorker();
    }
    if (this.p.mineBlocks !== false) await this.publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    const pinned = new Map<string, Promise<Block>>();
    const seeds = { last: 0n };
    const handler = (call: CapabilityCall) => this.answer(call, scheduledSeconds, pinned, seeds);
    const run = await this.worker.run(this.source, cronExecuteRequest(this.workflowConfig(), scheduledSeconds), handler, scheduledSeconds * 1000);
    if (run.result.result.case !== 'value') {
      const detail = run.result.result.case === 'error' ? run.result.result.value : 'the workflow returned nothing';
      this.log(`execution for tick ${scheduledSeconds} failed: ${detail}`);
      return { windowStart: undefined, status: 'failed', detail, earlier: [] };
    }
    const outcome = unwrapValue(run.result.result.value) as WindowOutcome;
    outcome.earlier ??= [];
    for (const o of [...outcome.earlier, outcome]) {
      const line = `window ${o.windowStart}: ${o.status}: ${o.detail}`;
      if (o.status === 'recorded' || o.status === 'committed') this.log(line);
      else if (o.status === 'refused' && this.refused.get(o.windowStart!) !== o.detail) {
        this.refused.set(o.windowStart!, o.detail);
        this.log(line);
      }
    }
    return outcome;
  }

  /** The block a tag (or number) means for this execution: every tag is resolved once, then pinned. */
  private block(n: VALUES_PB.BigInt | undefined, pinned: Map<string, Promise<Block>>): Promise<Block> {
    const value = n ? fromBigIntProto(n) : -2n;
    const key = String(value);
    let block = pinned.get(key);
    if (!block) {
      if (value >= 0n) block = this.publicClient.getBlock({ blockNumber: value });
      else if (value === -2n) block = this.publicClient.getBlock({ blockTag: 'latest' });
      else if (value === -3n) block = this.publicClient.getBlock({ blockTag: 'finalized' });
      else if (value === -4n) block = this.publicClient.getBlock({ blockTag: 'safe' });
      else return Promise.reject(new Error(`unsupported block number ${value}`));
      pinned.set(key, block);
    }
    return block;
  }

  private async answer(
    call: CapabilityCall,
    scheduledSeconds: number,
    pinned: Map<string, Promise<Block>>,
    seeds: { last: bigint },
  ): Promise<CapabilityAnswer> {
    const { id, method, payload } = call;
    if (id === 'http-actions@1.0.0-alpha' && method === 'SendRequest') {
      const req = anyUnpack(payload, HTTP_CLIENT_PB.RequestSchema)!;
      const res = await fetch(req.url, {
        method: req.method || 'GET',
        headers: req.headers,
        body: req.body.length ? Buffer.from(req.body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      const body = new Uint8Array(await res.arrayBuffer());
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const out = create(HTTP_CLIENT_PB.ResponseSchema, { statusCode: res.status, headers, body });
      return { case: 'payload', value: anyPack(HTTP_CLIENT_PB.ResponseSchema, out) };
    }
    if (/^evm:ChainSelector:\d+@1\.0\.0$/.test(id)) {
      if (method === 'CallContract') {
        const req = anyUnpack(payload, EVM_PB.CallContractRequestSchema)!;
        const block = await this.block(req.blockNumber, pinned);
        const { data } = await this.publicClient.call({ to: toHex(req.call!.to) as Address, data: toHex(req.call!.data) as Hex, blockNumber: block.number! });
        return { case: 'payload', value: anyPack(EVM_PB.CallContractReplySchema, create(EVM_PB.CallContractReplySchema, { data: fromHex(data ?? '0x') })) };
      }
      if (method === 'HeaderByNumber') {
        const req = anyUnpack(payload, EVM_PB.HeaderByNumberRequestSchema)!;
        const b = await this.block(req.blockNumber, pinned);
        const header = create(EVM_PB.HeaderSchema, {
          timestamp: b.timestamp,
          blockNumber: bigIntProto(b.number!),
          hash: fromHex(b.hash!),
          parentHash: fromHex(b.parentHash),
        });
        return { case: 'payload', value: anyPack(EVM_PB.HeaderByNumberReplySchema, create(EVM_PB.HeaderByNumberReplySchema, { header })) };
      }
      if (method === 'WriteReport') {
        const req = anyUnpack(payload, EVM_PB.WriteReportRequestSchema)!;
        const result = await submitKeystoneReport({
          rpcUrl: this.p.rpcUrl,
          forwarder: this.p.forwarder,
          receiver: toHex(req.receiver) as Address,
          // The report the workflow's report step produced goes on chain as it is, not rebuilt.
          rawReport: toHex(req.report!.rawReport),
          identity: this.p.identity,
          nodeKeys: this.p.nodeKeys,
          f: this.p.f,
          donId: this.p.donId,
          configVersion: this.p.configVersion,
          executionSeed: seeds.last,
          transmitterKey: this.p.transmitterKey,
          gasLimit: req.gasConfig?.gasLimit || this.p.gasLimit,
        });
        const reply = create(EVM_PB.WriteReportReplySchema, {
          txStatus: result.ok ? EVM_PB.TxStatus.SUCCESS : EVM_PB.TxStatus.REVERTED,
          ...(result.txHash ? { txHash: fromHex(result.txHash) } : {}),
          ...(result.ok ? {} : { errorMessage: result.reason }),
        });
        return { case: 'payload', value: anyPack(EVM_PB.WriteReportReplySchema, reply) };
      }
    }
    if (id === 'consensus@1.0.0-alpha') {
      if (method === 'Simple') {
        const input = anyUnpack(payload, SDK_PB.SimpleConsensusInputsSchema)!;
        const obs = input.observation;
        if (obs.case === 'value') return { case: 'payload', value: anyPack(VALUES_PB.ValueSchema, obs.value) };
        if (input.default?.value?.case) return { case: 'payload', value: anyPack(VALUES_PB.ValueSchema, input.default) };
        return { case: 'error', value: obs.case === 'error' ? obs.value : 'no observation' };
      }
      if (method === 'Report') {
        const input = anyUnpack(payload, SDK_PB.ReportRequestSchema)!;
        seeds.last = (BigInt(scheduledSeconds) << 96n) | (this.nonce << 32n) | this.reports++;
        const rawReport = buildKeystoneReport({
          ...this.p,
          executionSeed: seeds.last,
          timestamp: scheduledSeconds,
          payload: toHex(input.encodedPayload),
        });
        const report = create(SDK_PB.ReportResponseSchema, {
          configDigest: new Uint8Array(32),
          seqNr: BigInt(scheduledSeconds),
          reportContext: new Uint8Array(96),
          rawReport: fromHex(rawReport),
          sigs: [],
        });
        return { case: 'payload', value: anyPack(SDK_PB.ReportResponseSchema, report) };
      }
    }
    return { case: 'error', value: `capability ${id} method ${method} is not provided by the devnet runtime` };
  }

  /** Stops the cron ticks and the QuickJS worker. */
  override stop(): void {
    void this.close();
  }

  /** Stops and waits for the worker thread to end. */
  async close(): Promise<void> {
    this.closed = true;
    super.stop();
    await this.worker.close();
  }
}
