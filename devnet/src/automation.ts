import { createPublicClient, createWalletClient, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { revertReason } from '@gridproof/test-support';
import { TickLoop } from './tickLoop.js';

const automationAbi = [
  {
    type: 'function',
    name: 'checkUpkeep',
    stateMutability: 'view',
    inputs: [{ name: 'checkData', type: 'bytes' }],
    outputs: [
      { name: 'upkeepNeeded', type: 'bool' },
      { name: 'performData', type: 'bytes' },
    ],
  },
  { type: 'function', name: 'performUpkeep', stateMutability: 'nonpayable', inputs: [{ name: 'performData', type: 'bytes' }], outputs: [] },
] as const;

export interface AutomationRunnerParameters {
  rpcUrl: string;
  /** The upkeep contract (AutomationCompatibleInterface). */
  upkeep: Address;
  /** Key of the account the upkeep accepts performUpkeep from (the Automation forwarder on a live network). */
  forwarderKey: Hex;
  checkData?: Hex;
  /**
   * Mine an empty block before each check, so `block.timestamp` follows the clock as on a live
   * chain (anvil only mines on transactions; the devnet's readings never touch the chain).
   */
  mineBlocks?: boolean;
  /** Gas for performUpkeep (Automation uses a fixed performGasLimit too). */
  gasLimit?: bigint;
  log?: (line: string) => void;
}

export type UpkeepOutcome = { performed: false } | { performed: true; performData: Hex; txHash: Hex } | { performed: false; error: string };

/**
 * A local Chainlink Automation runner (there is none on npm): each tick simulates
 * `checkUpkeep(checkData)` with eth_call, like the Automation nodes, and when it returns true sends
 * `performUpkeep(performData)` from the configured forwarder account.
 */
export class AutomationRunner extends TickLoop<UpkeepOutcome> {
  private readonly publicClient;
  private readonly walletClient;

  constructor(readonly p: AutomationRunnerParameters) {
    super();
    this.publicClient = createPublicClient({ transport: http(p.rpcUrl) });
    this.walletClient = createWalletClient({ account: privateKeyToAccount(p.forwarderKey), transport: http(p.rpcUrl) });
  }

  protected log(line: string) {
    (this.p.log ?? console.log)(line);
  }

  async tick(): Promise<UpkeepOutcome> {
    if (this.p.mineBlocks) await this.publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    const [needed, performData] = await this.publicClient.readContract({
      address: this.p.upkeep,
      abi: automationAbi,
      functionName: 'checkUpkeep',
      args: [this.p.checkData ?? '0x'],
    });
    if (!needed) return { performed: false };
    try {
      const { request } = await this.publicClient.simulateContract({
        account: this.walletClient.account,
        address: this.p.upkeep,
        abi: automationAbi,
        functionName: 'performUpkeep',
        args: [performData],
      });
      const txHash = await this.walletClient.writeContract({ ...request, chain: null, gas: this.p.gasLimit ?? 1_500_000n });
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash: txHash });
      if (receipt.status !== 'success') throw new Error(`performUpkeep reverted (tx ${txHash})`);
      this.log(`performUpkeep(${performData}) tx ${txHash}`);
      return { performed: true, performData, txHash };
    } catch (err) {
      const error = revertReason(err);
      this.log(`performUpkeep(${performData}) failed: ${error}`);
      return { performed: false, error };
    }
  }
}
