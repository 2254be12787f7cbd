import { concat, keccak256, pad, toHex as viemToHex, type Hex as ViemHex } from 'viem';
import { sign } from 'viem/accounts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromHex, toHex, type Hex } from './bytes.js';
import { ProtocolError } from './errors.js';

/**
 * The envelope Chainlink's KeystoneForwarder accepts (@chainlink/contracts 1.5.0,
 * `KeystoneForwarder._getMetadata`): a 109-byte header followed by the workflow's payload.
 *
 * | offset | size | field                  |
 * |-------:|-----:|------------------------|
 * |      0 |    1 | version                |
 * |      1 |   32 | workflow execution id  |
 * |     33 |    4 | timestamp              |
 * |     37 |    4 | DON id                 |
 * |     41 |    4 | DON config version     |
 * |     45 |   32 | workflow id (cid)      |
 * |     77 |   10 | workflow name          |
 * |     87 |   20 | workflow owner         |
 * |    107 |    2 | report id              |
 *
 * The receiver gets bytes [45, 109) as `metadata` and the rest as `report`. A DON member signs
 * keccak256(keccak256(rawReport) ‖ reportContext) with its secp256k1 key; the forwarder wants
 * exactly f+1 distinct configured signers, 65 bytes each (r ‖ s ‖ v with v ∈ {0,1}).
 */
export const KEYSTONE_METADATA_LENGTH = 109;

export interface KeystoneWorkflowIdentity {
  /** bytes32 workflow id. */
  workflowId: Hex;
  /** bytes10 workflow name as CRE encodes it. */
  workflowName: Hex;
  /** Workflow owner address. */
  workflowOwner: Hex;
}

export interface KeystoneReportArgs extends KeystoneWorkflowIdentity {
  executionId: Hex;
  timestamp: number;
  donId: number;
  configVersion: number;
  /** bytes2 */
  reportId?: Hex;
  payload: Hex;
}

function fixed(hex: Hex, size: number, name: string): ViemHex {
  if (fromHex(hex).length !== size) throw new ProtocolError('INVALID_KEYSTONE_FIELD', `${name} must be ${size} bytes.`);
  return hex as ViemHex;
}

/** Builds the forwarder's rawReport: header ‖ payload. */
export function encodeKeystoneReport(a: KeystoneReportArgs): Hex {
  return concat([
    '0x01',
    fixed(a.executionId, 32, 'executionId'),
    pad(viemToHex(a.timestamp), { size: 4 }),
    pad(viemToHex(a.donId), { size: 4 }),
    pad(viemToHex(a.configVersion), { size: 4 }),
    fixed(a.workflowId, 32, 'workflowId'),
    fixed(a.workflowName, 10, 'workflowName'),
    fixed(a.workflowOwner.toLowerCase() as Hex, 20, 'workflowOwner'),
    fixed(a.reportId ?? '0x0001', 2, 'reportId'),
    a.payload as ViemHex,
  ]) as Hex;
}

/** The 64-byte metadata the receiver's `onReport` sees: workflow id ‖ name ‖ owner ‖ report id. */
export function keystoneMetadataOf(rawReport: Hex): Hex {
  return toHex(fromHex(rawReport).subarray(45, KEYSTONE_METADATA_LENGTH));
}

/** One DON member's 65-byte signature over the report and its context. */
export async function signKeystoneReport(rawReport: Hex, reportContext: Hex, privateKey: Hex): Promise<Hex> {
  const hash = keccak256(concat([keccak256(rawReport as ViemHex), reportContext as ViemHex]));
  const sig = await sign({ hash, privateKey: privateKey as ViemHex });
  return concat([sig.r, sig.s, viemToHex(sig.yParity ?? 0, { size: 1 })]) as Hex;
}

/**
 * The bytes10 workflow name CRE puts in report metadata for a workflow called `name`: the first
 * 10 characters of the hex SHA-256 of the name, as ASCII (how Chainlink's ReceiverTemplate
 * derives its expected name). The DataLogger compares this value, so configure it from here.
 * @example workflowNameToBytes10('gridproof-windows-sepolia')
 */
export function workflowNameToBytes10(name: string): Hex {
  const hex = bytesToHex(sha256(new TextEncoder().encode(name))).slice(0, 10);
  return toHex(new TextEncoder().encode(hex));
}
