import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  encodePacked,
  http,
  keccak256,
  type Address,
  type Hex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  KEYSTONE_METADATA_LENGTH,
  dataLoggerAbi,
  decodeWindowReport,
  encodeCommitReport,
  encodeKeystoneReport,
  fromHex,
  keystoneForwarderAbi,
  keystoneMetadataOf,
  signKeystoneReport,
  toHex,
  type KeystoneWorkflowIdentity,
} from '@gridproof/protocol';

/** The custom error name and arguments of a revert (e.g. `InvalidSigner(0x…)`), else the message. */
export function revertReason(err: unknown): string {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (revert?.data?.errorName) return `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})`;
    return err.shortMessage;
  }
  return (err as Error).message;
}

interface SubmitReportBase {
  rpcUrl: string;
  forwarder: Address;
  receiver: Address;
  identity: KeystoneWorkflowIdentity;
  /** Keys of the DON nodes that sign (the first f+1 are used). */
  nodeKeys: Hex[];
  f: number;
  donId: number;
  configVersion: number;
  /** Distinguishes executions; the forwarder refuses a second successful delivery of the same one. */
  executionSeed: bigint;
  transmitterKey: Hex;
  /** Gas for `KeystoneForwarder.report` (default 1,000,000). */
  gasLimit?: bigint;
}

/**
 * What to deliver: the workflow's report `payload` (for GridProof: the encoded window report), wrapped
 * here; or the whole Keystone `rawReport` when the workflow's report step built it already.
 */
export type SubmitReportParameters = SubmitReportBase & ({ payload: Hex; rawReport?: never } | { rawReport: Hex; payload?: never });

/**
 * The Keystone report (metadata header ‖ payload) of one execution of the local workflow: its
 * execution id is keccak256(workflowId, executionSeed), so one seed is one execution to the forwarder.
 */
export function buildKeystoneReport(
  p: Pick<SubmitReportBase, 'identity' | 'donId' | 'configVersion' | 'executionSeed'> & { payload: Hex; timestamp: number },
): Hex {
  return encodeKeystoneReport({
    ...p.identity,
    executionId: keccak256(encodePacked(['bytes32', 'uint256'], [p.identity.workflowId as Hex, p.executionSeed])),
    timestamp: p.timestamp,
    donId: p.donId,
    configVersion: p.configVersion,
    payload: p.payload,
  });
}

export type SubmitReportResult = { ok: true; txHash: Hex } | { ok: false; reason: string; txHash?: Hex };

/**
 * What a DON's transmitter does after consensus: wrap the payload in the Keystone envelope,
 * collect f+1 node signatures and call `KeystoneForwarder.report`. The forwarder turns a receiver
 * revert into `ReportProcessed(false)`; that case is replayed as the forwarder to name the error.
 */
export async function submitKeystoneReport(p: SubmitReportParameters): Promise<SubmitReportResult> {
  const publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  const walletClient = createWalletClient({ account: privateKeyToAccount(p.transmitterKey), transport: http(p.rpcUrl) });
  const rawReport = p.rawReport ?? buildKeystoneReport({ ...p, payload: p.payload, timestamp: Math.floor(Date.now() / 1000) });
  // OCR-style context (config digest ‖ sequence ‖ extra); the forwarder only hashes it into what is signed.
  const context =
    `${keccak256(encodePacked(['string', 'uint32', 'uint32'], ['gridproof local DON', p.donId, p.configVersion]))}${p.executionSeed.toString(16).padStart(64, '0')}${'00'.repeat(32)}` as Hex;
  const signatures = await Promise.all(p.nodeKeys.slice(0, p.f + 1).map((key) => signKeystoneReport(rawReport, context, key)));
  let txHash: Hex | undefined;
  try {
    // Simulate first: a forwarder revert (e.g. InvalidSigner) comes back decoded by name.
    const { request } = await publicClient.simulateContract({
      account: walletClient.account,
      address: p.forwarder,
      abi: keystoneForwarderAbi,
      functionName: 'report',
      args: [p.receiver, rawReport, context, signatures],
    });
    // A fixed gas limit like CRE's `gasLimit`: estimation would find the least gas at which the
    // forwarder succeeds, which is when the receiver's inner call runs out of gas and fails.
    txHash = await walletClient.writeContract({ ...request, chain: null, gas: p.gasLimit ?? 1_000_000n });
    const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
    const processed = receipt.logs
      .map((l) => {
        try {
          return decodeEventLog({ abi: keystoneForwarderAbi, data: l.data, topics: l.topics });
        } catch {
          return undefined;
        }
      })
      .find((e) => e?.eventName === 'ReportProcessed');
    if (receipt.status === 'success' && (processed?.args as { result?: boolean } | undefined)?.result === true) return { ok: true, txHash };
    return { ok: false, txHash, reason: `the receiver refused: ${await receiverRefusal(publicClient, p.forwarder, p.receiver, rawReport)}` };
  } catch (err) {
    return { ok: false, txHash, reason: revertReason(err) };
  }
}

/** Replays the receiver call as the forwarder to name the custom error it reverted with. */
async function receiverRefusal(client: ReturnType<typeof createPublicClient>, forwarder: Address, receiver: Address, rawReport: Hex): Promise<string> {
  try {
    await client.simulateContract({
      account: forwarder,
      address: receiver,
      abi: dataLoggerAbi,
      functionName: 'onReport',
      args: [keystoneMetadataOf(rawReport), toHex(fromHex(rawReport).subarray(KEYSTONE_METADATA_LENGTH))],
    });
    return 'out of gas or a revert without data';
  } catch (err) {
    return revertReason(err);
  }
}

/** Execution seed of the commit that {@link anchorKeystoneReport} delivers before the record of seed `s`. */
const commitSeedOf = (s: bigint) => s | (1n << 255n);

/**
 * Both phases of the two-phase anchor, as the DON does them over two ticks: the commit of the record payload's
 * digest, one empty block (the seed block), then the record. For tests that need a recorded window; the DON's own
 * path is the CRE workflow. The commit's execution seed is `executionSeed` with its top bit set.
 */
export async function anchorKeystoneReport(p: SubmitReportBase & { payload: Hex }): Promise<SubmitReportResult> {
  const { windowStart, cidDigest } = decodeWindowReport(p.payload);
  const committed = await submitKeystoneReport({
    ...p,
    payload: encodeCommitReport({ windowStart, cidDigest }),
    executionSeed: commitSeedOf(p.executionSeed),
  });
  if (!committed.ok) return { ok: false, reason: `commit: ${committed.reason}`, txHash: committed.txHash };
  const publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
  return submitKeystoneReport(p);
}
