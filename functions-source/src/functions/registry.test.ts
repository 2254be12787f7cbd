import { describe, expect, it } from 'vitest';
import { decodeFunctionData, decodeFunctionResult, encodeFunctionResult, toFunctionSelector } from 'viem';
import { decodeRegistryEntry, deviceIdToBytes, deviceRegistryAbi, toHex } from '@gridproof/protocol';
import { GET_DEVICES_SELECTOR, decodeGetDevices, encodeGetDevices } from './registry.js';
import { registryDevice, revokedKey, vectorKeys } from '../testing/windowFixture.js';
import { FunctionsSourceError } from '../errors.js';

const zero = registryDevice('NONE_0000');

describe('getDevices codec (pinned against viem and the generated ABI)', () => {
  it('selector and calldata', () => {
    expect(GET_DEVICES_SELECTOR).toBe(toFunctionSelector('getDevices(bytes9[])'));
    const ids = ['SOLR_0001', 'INDU_0042'];
    const { functionName, args } = decodeFunctionData({ abi: deviceRegistryAbi, data: encodeGetDevices(ids) });
    expect(functionName).toBe('getDevices');
    expect(args).toEqual([ids.map((id) => toHex(deviceIdToBytes(id)))]);
  });

  it('decodes certified (P-256, Ed25519), revoked and unknown devices, revokedAt from the new Device struct', () => {
    const keys = vectorKeys();
    const ids = ['INDU_0042', 'SOLR_0001', 'SOLR_0002', 'NONE_0000'];
    const result = encodeFunctionResult({
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      result: [
        registryDevice(ids[0], keys.INDU_0042, 5n),
        registryDevice(ids[1], keys.SOLR_0001, 6n),
        registryDevice(ids[2], revokedKey(keys.SOLR_0002!, 1_767_225_780), 7n),
        zero,
      ],
    } as never);
    const decoded = decodeGetDevices(result, ids);
    expect(decoded).toEqual({
      INDU_0042: { keyType: 2, revokedAt: 0, active: true, publicKey: keys.INDU_0042!.publicKey },
      SOLR_0001: { keyType: 1, revokedAt: 0, active: true, publicKey: keys.SOLR_0001!.publicKey },
      SOLR_0002: { keyType: 1, revokedAt: 1_767_225_780, active: false, publicKey: keys.SOLR_0002!.publicKey },
      NONE_0000: undefined,
    });
    // The same entries through viem and protocol's decodeRegistryEntry: the hand codec reads the words viem does.
    const viaViem = decodeFunctionResult({ abi: deviceRegistryAbi, functionName: 'getDevices', data: result });
    expect(Object.fromEntries(ids.map((id, i) => [id, decodeRegistryEntry(viaViem[i])]))).toEqual(decoded);
  });

  it('reads revokedAt and the key, not a neighbouring word, whatever the other fields hold', () => {
    const key = revokedKey(vectorKeys().SOLR_0001!, 2 ** 40 + 3);
    const device = {
      ...registryDevice('SOLR_0001', key, 2n ** 63n),
      role: 3,
      ratedCapacityW: 2 ** 32 - 1,
      revocationReason: 5,
      organisationId: 2n ** 256n - 1n,
      certifier: `0x${'ff'.repeat(20)}` as const,
      owner: `0x${'ee'.repeat(20)}` as const,
    };
    const result = encodeFunctionResult({ abi: deviceRegistryAbi, functionName: 'getDevices', result: [device] } as never);
    expect(decodeGetDevices(result, ['SOLR_0001'])).toEqual({ SOLR_0001: { keyType: 1, revokedAt: 2 ** 40 + 3, active: false, publicKey: key.publicKey } });
  });

  it('refuses a truncated result and a count that does not match the ids', () => {
    const one = encodeFunctionResult({ abi: deviceRegistryAbi, functionName: 'getDevices', result: [zero] } as never);
    expect(() => decodeGetDevices(one, ['A', 'B'])).toThrow(/1 entries for 2 ids/);
    expect(() => decodeGetDevices(one.slice(0, 100) as `0x${string}`, ['A'])).toThrow(/too short/);
    expect(() => decodeGetDevices(one, ['A', 'B'])).toThrow(expect.objectContaining({ name: 'FunctionsSourceError', code: 'REGISTRY_RESULT_MALFORMED' }));
  });

  it.each([
    ['an unknown key type', { keyType: 3, publicKey: `0x${'11'.repeat(32)}` }, 'key type 3'],
    ['a P-256 key of 32 bytes', { keyType: 1, publicKey: `0x${'11'.repeat(32)}` }, 'is 32 bytes; expected 64'],
    ['an Ed25519 key of 64 bytes', { keyType: 2, publicKey: `0x${'11'.repeat(64)}` }, 'is 64 bytes; expected 32'],
  ])("refuses an entry with %s through protocol's registry entry decoder", (_, entry, message) => {
    const result = encodeFunctionResult({
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      result: [
        {
          ...zero,
          deviceId: toHex(deviceIdToBytes('SOLR_0001')),
          owner: '0x00000000000000000000000000000000000000aa',
          role: 1,
          ratedCapacityW: 5000,
          certifiedAt: 1n,
          ...entry,
        },
      ],
    } as never);
    let caught: unknown;
    try {
      decodeGetDevices(result, ['SOLR_0001']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FunctionsSourceError);
    expect(caught).toMatchObject({ code: 'REGISTRY_RESULT_MALFORMED', cause: { code: 'INVALID_REGISTRY_ENTRY' } });
    expect((caught as Error).message).toContain(message);
  });
});
