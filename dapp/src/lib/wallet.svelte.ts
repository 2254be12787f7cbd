import { watchAccount } from '@wagmi/core';
import type { Address } from 'viem';
import { getApp } from './app.js';
import { describeError } from './errors.js';
import { connectedAccount, connectWallet, disconnectWallet } from './wallet.js';

/** The page-wide wallet state: the connected account (or null), and the last connect failure in one sentence. */
export const wallet = $state<{ address: Address | null; busy: boolean; error: string | null }>({ address: null, busy: false, error: null });

let watching = false;

/** Follows the wagmi account (connects, disconnects, account switches in the wallet) once per page load. */
export async function followWallet(): Promise<void> {
  if (watching) return;
  watching = true;
  const app = await getApp();
  wallet.address = connectedAccount(app.wagmi) ?? null;
  watchAccount(app.wagmi, { onChange: (a) => (wallet.address = a.status === 'connected' ? a.address : null) });
}

/** The Connect / Disconnect button's action. */
export async function toggleWallet(): Promise<void> {
  wallet.busy = true;
  wallet.error = null;
  try {
    const app = await getApp();
    if (wallet.address) {
      await disconnectWallet(app.wagmi);
      wallet.address = null;
    } else wallet.address = await connectWallet(app.wagmi, app.config.chainId);
  } catch (error) {
    wallet.error = describeError(error);
  } finally {
    wallet.busy = false;
  }
}
