import { keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { workflowNameToBytes10, type KeystoneWorkflowIdentity } from '@gridproof/protocol';

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

/** The local workflow's name, as in functions-source/src/workflow/workflow.yaml (local-simulation). */
export const WORKFLOW_NAME_TEXT = 'gridproof-windows';

/**
 * Workflow identity the data logger accepts: the name encoded as CRE encodes it in report
 * metadata (`workflowNameToBytes10`), a fixed id and owner for the local DON. On a live network
 * use the id `cre workflow deploy` prints and the deploying owner.
 */
export function localWorkflowIdentity() {
  return {
    workflowId: keccak256(stringToHex('gridproof devnet workflow v1')),
    workflowName: workflowNameToBytes10(WORKFLOW_NAME_TEXT),
    workflowOwner: privateKeyToAddress(ANVIL_KEYS.workflowOwner),
  };
}

/** A DON as the forwarder is configured with it, and the workflow its reports carry. */
export interface DonConfig {
  /** secp256k1 keys of the nodes (their addresses are the forwarder's signers). */
  nodeKeys: Hex[];
  f: number;
  donId: number;
  configVersion: number;
  identity: KeystoneWorkflowIdentity;
  /** Pays gas and calls the forwarder. */
  transmitterKey: Hex;
}

/** The local DON: 4 nodes, f = 1, DON 1 config 1, the local workflow identity, anvil's transmitter. */
export function localDon(): DonConfig {
  return { nodeKeys: localDonKeys(4), f: 1, donId: 1, configVersion: 1, identity: localWorkflowIdentity(), transmitterKey: ANVIL_KEYS.transmitter };
}
