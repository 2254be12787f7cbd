import { keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';

/** anvil's well-known dev accounts (public test mnemonic); never use them anywhere else. */
export const ANVIL_KEYS = {
  deployer: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  transmitter: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  workflowOwner: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
} as const satisfies Record<string, Hex>;

/** The local DON: 4 node keys, f = 1 (the forwarder needs ≥ 3f+1 signers and exactly f+1 signatures). */
export function localDonKeys(count = 4): Hex[] {
  return Array.from({ length: count }, (_, i) => keccak256(stringToHex(`gridproof devnet DON node ${i}`)));
}

export const WORKFLOW_NAME_TEXT = 'gridproof-window-anchor';

/**
 * Workflow identity the data logger accepts. CRE puts a bytes10 workflow name in the report
 * metadata; devnet derives it the same way for its local workflow (first 10 bytes of the
 * keccak of the name) — on a live network use the values the CRE registry assigns.
 */
export function localWorkflowIdentity() {
  return {
    workflowId: keccak256(stringToHex('gridproof devnet workflow v1')),
    workflowName: keccak256(stringToHex(WORKFLOW_NAME_TEXT)).slice(0, 22) as Hex,
    workflowOwner: privateKeyToAddress(ANVIL_KEYS.workflowOwner),
  };
}
