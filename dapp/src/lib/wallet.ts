import {
  connect,
  disconnect,
  getAccount,
  signMessage,
  simulateContract,
  switchChain,
  waitForTransactionReceipt,
  writeContract,
  type Config,
} from '@wagmi/core';
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hex, TransactionReceipt } from 'viem';
import { TransactionRevertedError, WalletUnavailableError } from './errors.js';

/**
 * The injected wallet (EIP-1193 `window.ethereum`) through the app's one wagmi config: connect, sign a text,
 * send a contract call. Reads never go through the wallet (the config's RPC does them).
 */

/** The connected account, or undefined. */
export function connectedAccount(wagmi: Config): Address | undefined {
  const a = getAccount(wagmi);
  return a.status === 'connected' ? a.address : undefined;
}

/**
 * Connects the injected wallet (it asks the person) and makes sure it is on `chainId`, switching when it can.
 * @example const address = await connectWallet(app.wagmi, app.config.chainId)
 */
export async function connectWallet(wagmi: Config, chainId: number): Promise<Address> {
  const connector = wagmi.connectors.find((c) => c.type === 'injected');
  if (!connector || typeof window === 'undefined' || !(window as { ethereum?: unknown }).ethereum) {
    throw new WalletUnavailableError('No browser wallet found (window.ethereum): install one, or open this page in a wallet browser.');
  }
  const current = getAccount(wagmi);
  const result = current.status === 'connected' ? { accounts: [current.address], chainId: current.chainId ?? 0 } : await connect(wagmi, { connector, chainId });
  if (result.chainId !== chainId) {
    try {
      await switchChain(wagmi, { chainId });
    } catch (cause) {
      throw new WalletUnavailableError(`The wallet is on chain ${result.chainId}; switch it to chain ${chainId} (config.json).`, {
        cause,
        details: { walletChainId: result.chainId, chainId },
      });
    }
  }
  return result.accounts[0];
}

export async function disconnectWallet(wagmi: Config): Promise<void> {
  await disconnect(wagmi);
}

function requireAccount(wagmi: Config): Address {
  const account = connectedAccount(wagmi);
  if (!account) throw new WalletUnavailableError('Connect your wallet first (the Connect button, top right).');
  return account;
}

/** personal_sign of `message` by the connected account. */
export async function signText(wagmi: Config, message: string): Promise<{ account: Address; signature: Hex }> {
  const account = requireAccount(wagmi);
  return { account, signature: await signMessage(wagmi, { account, message }) };
}

export interface ContractCall<A extends Abi, F extends ContractFunctionName<A, 'nonpayable'>> {
  address: Address;
  abi: A;
  functionName: F;
  args: ContractFunctionArgs<A, 'nonpayable', F>;
}

/**
 * Sends one contract call from the connected account: simulated first against the RPC (a refusal is the contract's
 * custom error with its arguments, before the wallet asks anything), then signed in the wallet, then awaited.
 * `onSent` gets the hash as soon as the wallet returns it. Resolves with the receipt; a mined revert throws
 * {@link TransactionRevertedError}.
 * @example await sendContract(wagmi, { address, abi: companyIdentityAbi, functionName: 'register', args: [cid] })
 */
export async function sendContract<const A extends Abi, F extends ContractFunctionName<A, 'nonpayable'>>(
  wagmi: Config,
  call: ContractCall<A, F>,
  onSent?: (hash: Hex) => void,
): Promise<TransactionReceipt> {
  const account = requireAccount(wagmi);
  const { request } = await simulateContract(wagmi, { ...call, account } as never);
  const hash = await writeContract(wagmi, request as never);
  onSent?.(hash);
  const receipt = await waitForTransactionReceipt(wagmi, { hash });
  if (receipt.status !== 'success') {
    throw new TransactionRevertedError(`${String(call.functionName)} was mined in ${hash} but reverted.`, { details: { hash } });
  }
  return receipt;
}
