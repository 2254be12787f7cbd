import { describe, expect, it } from 'vitest';
import { concat, keccak256, recoverAddress } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { encodeKeystoneReport, keystoneMetadataOf, signKeystoneReport, workflowNameToBytes10 } from './keystone.js';
import { createHash } from 'node:crypto';
import { fromHex } from './bytes.js';

const identity = { workflowId: `0x${'aa'.repeat(32)}`, workflowName: `0x${'bb'.repeat(10)}`, workflowOwner: `0x${'cc'.repeat(20)}` } as const;

describe('keystone envelope', () => {
  const raw = encodeKeystoneReport({ ...identity, executionId: `0x${'01'.repeat(32)}`, timestamp: 7, donId: 1, configVersion: 2, payload: '0xdeadbeef' });

  it('puts the 109-byte header in the forwarder layout', () => {
    const bytes = fromHex(raw);
    expect(bytes.length).toBe(109 + 4);
    expect(bytes[0]).toBe(1);
    expect([...bytes.subarray(37, 45)]).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
    expect(keystoneMetadataOf(raw)).toBe(`0x${'aa'.repeat(32)}${'bb'.repeat(10)}${'cc'.repeat(20)}0001`);
  });

  it('signs keccak256(keccak256(raw) ‖ context) recoverably with v in {0,1}', async () => {
    const key = `0x${'42'.repeat(32)}` as const;
    const context = `0x${'00'.repeat(96)}` as const;
    const sig = await signKeystoneReport(raw, context, key);
    const bytes = fromHex(sig);
    expect(bytes.length).toBe(65);
    expect(bytes[64] <= 1).toBe(true);
    const hash = keccak256(concat([keccak256(raw), context]));
    const v = bytes[64] + 27;
    const signer = await recoverAddress({ hash, signature: concat([sig.slice(0, 130) as `0x${string}`, `0x${v.toString(16)}`]) });
    expect(signer).toBe(privateKeyToAddress(key));
  });
});

describe('workflow name', () => {
  it('is the ASCII of the first 10 hex characters of SHA-256(name)', () => {
    const hex = createHash('sha256').update('gridproof-windows').digest('hex').slice(0, 10);
    expect(workflowNameToBytes10('gridproof-windows')).toBe(`0x${Buffer.from(hex, 'ascii').toString('hex')}`);
    expect(fromHex(workflowNameToBytes10('x')).length).toBe(10);
  });
});
