import { createPublicClient, createWalletClient, encodeAbiParameters, http, stringToHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { fileURLToPath } from 'node:url';
import { Wallet, providers } from 'ethers';
import cbor from 'cbor';
import { SubscriptionManager, deployFunctionsOracle, simulateScript } from '@chainlink/functions-toolkit';
// The toolkit's compiled Functions contracts (router, coordinator test helper, LINK): their ABIs.
import contractSources from '@chainlink/functions-toolkit/dist/v1_contract_sources/index.js';
import { TickLoop } from './tickLoop.js';

// The simulator spawns `deno` from PATH: the npm package's binary in the root node_modules.
const BIN = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
if (!(process.env.PATH ?? '').split(':').includes(BIN)) process.env.PATH = `${BIN}:${process.env.PATH ?? ''}`;

const coordinatorAbi = contractSources.FunctionsCoordinatorTestHelperSource.abi as readonly unknown[];
const oracleRequestEvent = (coordinatorAbi as { type: string; name?: string }[]).find((e) => e.type === 'event' && e.name === 'OracleRequest')!;

/** The Functions DON id the toolkit's local coordinator is registered under. */
export const LOCAL_FUNCTIONS_DON_ID = 'local-functions-testnet';

export interface LocalFunctionsDonParameters {
  rpcUrl: string;
  /** Deploys the Functions contracts, owns the subscription and sends `callReport` (the transmitter). */
  deployerKey: Hex;
  /**
   * DON-hosted secrets every node passes to the source (`rpcUrl` of the chain, `registryBlock`).
   * On a live DON they are uploaded encrypted; here they are handed to the simulator.
   */
  secrets: Record<string, string>;
  /** Simulated node executions per request (the toolkit uses 4); the answer is aggregated like the toolkit's. */
  nodes?: number;
  log?: (line: string) => void;
}

export interface FunctionsContracts {
  router: Address;
  coordinator: Address;
  linkToken: Address;
  /** bytes32 of `LOCAL_FUNCTIONS_DON_ID`. */
  donId: Hex;
}

export interface Fulfillment {
  requestId: Hex;
  consumer: Address;
  response?: Hex;
  error?: string;
  txHash: Hex;
}

interface Commitment {
  requestId: Hex;
  coordinator: Address;
  estimatedTotalCostJuels: bigint;
  client: Address;
  subscriptionId: bigint;
  callbackGasLimit: number;
  adminFee: bigint;
  donFee: bigint;
  gasOverheadBeforeCallback: bigint;
  gasOverheadAfterCallback: bigint;
  timeoutTimestamp: number;
}

/**
 * A local Chainlink Functions DON on anvil: the toolkit's Functions router and coordinator
 * (`deployFunctionsOracle`), and a listener that, for every `OracleRequest`, runs the request's
 * source through the toolkit's simulator (Deno, the real sandbox and limits) on several simulated
 * nodes, aggregates their answers like the toolkit's `startLocalFunctionsTestnet`, and answers
 * with the coordinator's `callReport`, so the router calls the consumer's `fulfillRequest`.
 */
export class LocalFunctionsDon extends TickLoop<Fulfillment[]> {
  private readonly publicClient;
  private readonly walletClient;
  private nextBlock = 0n;

  private constructor(
    readonly p: LocalFunctionsDonParameters,
    readonly contracts: FunctionsContracts,
    private readonly ethersWallet: Wallet,
  ) {
    super();
    this.publicClient = createPublicClient({ transport: http(p.rpcUrl) });
    this.walletClient = createWalletClient({ account: privateKeyToAccount(p.deployerKey), transport: http(p.rpcUrl) });
  }

  /** Deploys the toolkit's Functions contracts on the chain at `rpcUrl` and returns the DON (not yet listening). */
  static async deploy(p: LocalFunctionsDonParameters): Promise<LocalFunctionsDon> {
    const provider = new providers.JsonRpcProvider(p.rpcUrl);
    provider.pollingInterval = 200;
    const wallet = new Wallet(p.deployerKey, provider);
    const deployed = await deployFunctionsOracle(wallet);
    const contracts: FunctionsContracts = {
      router: deployed.functionsRouterContract.address as Address,
      coordinator: deployed.functionsMockCoordinatorContract.address as Address,
      linkToken: deployed.linkTokenContract.address as Address,
      donId: stringToHex(LOCAL_FUNCTIONS_DON_ID, { size: 32 }),
    };
    const don = new LocalFunctionsDon(p, contracts, wallet);
    don.nextBlock = (await don.publicClient.getBlockNumber()) + 1n;
    return don;
  }

  protected log(line: string) {
    (this.p.log ?? console.log)(line);
  }

  /** Creates a subscription owned by the deployer, funds it with `juels` LINK and adds the consumers. */
  async createSubscription(consumers: Address[], juels = 100n * 10n ** 18n): Promise<bigint> {
    const sm = new SubscriptionManager({
      signer: this.ethersWallet,
      linkTokenAddress: this.contracts.linkToken,
      functionsRouterAddress: this.contracts.router,
    });
    await sm.initialize();
    const subscriptionId = await sm.createSubscription();
    for (const consumerAddress of consumers) await sm.addConsumer({ subscriptionId, consumerAddress });
    await sm.fundSubscription({ subscriptionId, juelsAmount: juels });
    return BigInt(subscriptionId);
  }

  /** Adds a consumer to the subscription. */
  async addConsumer(subscriptionId: bigint, consumerAddress: Address): Promise<void> {
    const sm = new SubscriptionManager({
      signer: this.ethersWallet,
      linkTokenAddress: this.contracts.linkToken,
      functionsRouterAddress: this.contracts.router,
    });
    await sm.initialize();
    await sm.addConsumer({ subscriptionId, consumerAddress });
  }

  /** Answers every `OracleRequest` emitted since the last tick. */
  async tick(): Promise<Fulfillment[]> {
    const latest = await this.publicClient.getBlockNumber();
    if (latest < this.nextBlock) return [];
    const logs = await this.publicClient.getLogs({
      address: this.contracts.coordinator,
      event: oracleRequestEvent as never,
      fromBlock: this.nextBlock,
      toBlock: latest,
    });
    this.nextBlock = latest + 1n;
    const out: Fulfillment[] = [];
    for (const l of logs as unknown as { args: unknown }[])
      out.push(await this.answer(l.args as unknown as { requestId: Hex; requestingContract: Address; data: Hex; commitment: Commitment }));
    return out;
  }

  private async answer(request: { requestId: Hex; requestingContract: Address; data: Hex; commitment: Commitment }): Promise<Fulfillment> {
    const { source, args, bytesArgs } = decodeRequestData(request.data);
    const nodes = this.p.nodes ?? 4;
    const results = await Promise.all(
      Array.from({ length: nodes }, () =>
        simulateScript({ source: source ?? '', args, bytesArgs, secrets: this.p.secrets }).catch((e: Error) => ({
          errorString: e.message,
          responseBytesHexstring: undefined,
        })),
      ),
    );
    // Aggregation as in the toolkit: a majority of successes gives the median response, else the most common error.
    const ok = results.filter((r) => r.errorString === undefined && r.responseBytesHexstring !== undefined).map((r) => r.responseBytesHexstring as Hex);
    const errors = results.filter((r) => r.errorString !== undefined).map((r) => r.errorString as string);
    let response: Hex | undefined;
    let error: string | undefined;
    if (ok.length > errors.length) response = [...ok].sort()[Math.floor((ok.length - 1) / 2)];
    else error = mode(errors) ?? 'no response';

    const commitment = encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'address' },
        { type: 'uint96' },
        { type: 'address' },
        { type: 'uint64' },
        { type: 'uint32' },
        { type: 'uint72' },
        { type: 'uint72' },
        { type: 'uint40' },
        { type: 'uint40' },
        { type: 'uint32' },
      ],
      [
        request.commitment.requestId,
        request.commitment.coordinator,
        request.commitment.estimatedTotalCostJuels,
        request.commitment.client,
        request.commitment.subscriptionId,
        request.commitment.callbackGasLimit,
        request.commitment.adminFee,
        request.commitment.donFee,
        BigInt(request.commitment.gasOverheadBeforeCallback),
        BigInt(request.commitment.gasOverheadAfterCallback),
        request.commitment.timeoutTimestamp,
      ] as never,
    );
    const report = encodeAbiParameters(
      [{ type: 'bytes32[]' }, { type: 'bytes[]' }, { type: 'bytes[]' }, { type: 'bytes[]' }, { type: 'bytes[]' }],
      [[request.requestId], [response ?? '0x'], [error ? stringToHex(error) : '0x'], [commitment], ['0x']],
    );
    const txHash = await this.walletClient.writeContract({
      chain: null,
      address: this.contracts.coordinator,
      abi: coordinatorAbi,
      functionName: 'callReport',
      args: [report],
      gas: 5_000_000n,
    });
    await this.publicClient.waitForTransactionReceipt({ hash: txHash });
    this.log(
      `request ${request.requestId.slice(0, 10)}… from ${request.requestingContract}: ${response ? `answered ${(response.length - 2) / 2} bytes` : `error ${error}`} (${nodes} nodes) tx ${txHash}`,
    );
    return { requestId: request.requestId, consumer: request.requestingContract, response, error, txHash };
  }
}

function mode(items: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Decodes a Functions request's CBOR (FunctionsRequest.encodeCBOR: alternating keys and values). */
export function decodeRequestData(data: Hex): { source?: string; args?: string[]; bytesArgs?: string[] } {
  const items = cbor.decodeAllSync(Buffer.from(data.slice(2), 'hex')) as unknown[];
  const out: { source?: string; args?: string[]; bytesArgs?: string[] } = {};
  for (let i = 0; i + 1 < items.length; i += 2) {
    const [k, v] = [items[i], items[i + 1]];
    if (k === 'source') out.source = v as string;
    else if (k === 'args') out.args = v as string[];
    else if (k === 'bytesArgs') out.bytesArgs = (v as Buffer[]).map((b) => `0x${Buffer.from(b).toString('hex')}`);
  }
  return out;
}
