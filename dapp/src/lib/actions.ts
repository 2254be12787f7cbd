import type { Abi, Address, ContractFunctionName } from 'viem';
import type { App } from './app.js';
import { ensureSession } from './session.js';
import type { StepDefinition } from './steps.js';
import { sendContract, signText, type ContractCall } from './wallet.js';

/** The steps the Company and Installers pages share: sign in, pin, send a transaction. */

const utc = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Sign-In with Ethereum through the API (skipped inside: an existing session for the account is reused). */
export function signInStep(app: App, address: Address): StepDefinition {
  return {
    id: 'sign-in',
    label: 'Sign in with Ethereum (the wallet signs a message; the API sets a session cookie)',
    async run() {
      const { session, reused } = await ensureSession({
        api: app.session,
        address,
        chainId: app.config.chainId,
        location: new URL(window.location.href),
        sign: async (message) => (await signText(app.wagmi, message)).signature,
      });
      return `${reused ? 'already signed in' : 'signed in'} as ${session.address}, until ${utc(session.expiresAt)}`;
    },
  };
}

/** Pins `bytes()` through the API; `onCid` gets the CID (checked against the bytes) for the steps after it. */
export function pinStep(app: App, label: string, bytes: () => Uint8Array, onCid: (cid: string) => void): StepDefinition {
  return {
    id: 'pin',
    label,
    async run() {
      const cid = await app.session.pin(bytes());
      onCid(cid);
      return cid;
    },
  };
}

/** One contract call from the connected wallet: simulated, signed, mined; the detail shows the hash, then the block. */
export function transactionStep<const A extends Abi, F extends ContractFunctionName<A, 'nonpayable'>>(
  app: App,
  label: string,
  call: () => ContractCall<A, F>,
  onMined?: (receipt: Awaited<ReturnType<typeof sendContract>>) => void,
): StepDefinition {
  return {
    id: 'transaction',
    label,
    async run(progress) {
      const receipt = await sendContract(app.wagmi, call(), (hash) => progress(`sent ${hash}, waiting for the block`));
      onMined?.(receipt);
      return `${receipt.transactionHash} in block ${receipt.blockNumber}`;
    },
  };
}
