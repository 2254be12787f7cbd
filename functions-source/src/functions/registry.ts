// DeviceRegistry.getDevices over raw JSON-RPC, with a hand-written ABI codec: the Functions source
// is sent inline in every request, so it carries no ABI library (a test pins this codec to viem's).
import { decodeRegistryEntry, deviceIdToBytes, fromHex, ProtocolError, toHex, type Hex, type RegisteredDeviceKey } from '@gridproof/protocol';
import { FunctionsSourceError } from '../errors.js';

const malformed = (message: string, cause?: unknown) => new FunctionsSourceError('REGISTRY_RESULT_MALFORMED', message, cause);

/** `getDevices(bytes9[])` selector (pinned against viem in registry.test.ts). */
export const GET_DEVICES_SELECTOR = '0x709014c3';

/** Calldata of `getDevices(bytes9[] deviceIds)`. */
export function encodeGetDevices(deviceIds: string[]): Hex {
  const words = [word(32n), word(BigInt(deviceIds.length))];
  for (const id of deviceIds) words.push(toHex(deviceIdToBytes(id)).slice(2).padEnd(64, '0'));
  return `${GET_DEVICES_SELECTOR}${words.join('')}` as Hex;
}

/**
 * Head words of one `IDeviceRegistry.Device` tuple (it holds `bytes`, so it is encoded at an offset): deviceId,
 * keyType, role, owner, ratedCapacityW, certifiedAt, revokedAt, revocationReason, certifier, organisationId, then the
 * offset of publicKey. Only the words the verifier needs are read (pinned against viem in registry.test.ts).
 */
const DEVICE_WORD = { keyType: 1, revokedAt: 6, publicKey: 10 } as const;

/**
 * Decodes the `Device[]` returned by `getDevices` into the verifier's key map (key type, public key, `revokedAt`:
 * 0 while active, else the revocation's block timestamp). Unknown devices come back zeroed (keyType 0) and map to
 * `undefined`; each entry then goes through protocol's `decodeRegistryEntry` (key type, key length).
 * Every offset and length is bounds-checked: this is data from an RPC node. Throws
 * {@link FunctionsSourceError} `REGISTRY_RESULT_MALFORMED`.
 */
export function decodeGetDevices(result: Hex, deviceIds: string[]): Record<string, RegisteredDeviceKey | undefined> {
  const data = fromHex(result);
  const u = (at: number): number => {
    if (at + 32 > data.length) throw malformed(`getDevices result too short (${data.length} bytes) at offset ${at}`);
    for (let i = at; i < at + 24; i++) if (data[i] !== 0) throw malformed(`getDevices result: value at ${at} out of range`);
    let v = 0;
    for (let i = at + 24; i < at + 32; i++) v = v * 256 + data[i];
    if (!Number.isSafeInteger(v)) throw malformed(`getDevices result: value at ${at} out of range`);
    return v;
  };
  const array = u(0);
  const n = u(array);
  if (n !== deviceIds.length) throw malformed(`getDevices returned ${n} entries for ${deviceIds.length} ids`);
  const head = array + 32;
  const keys: Record<string, RegisteredDeviceKey | undefined> = {};
  for (const [i, id] of deviceIds.entries()) {
    const tuple = head + u(head + 32 * i);
    const keyType = u(tuple + 32 * DEVICE_WORD.keyType);
    if (keyType === 0) {
      keys[id] = undefined;
      continue;
    }
    const revokedAt = u(tuple + 32 * DEVICE_WORD.revokedAt);
    const bytesAt = tuple + u(tuple + 32 * DEVICE_WORD.publicKey);
    const len = u(bytesAt);
    if (bytesAt + 32 + len > data.length) throw malformed(`getDevices: device ${id} public key runs past the result`);
    try {
      keys[id] = decodeRegistryEntry({ keyType, revokedAt, publicKey: toHex(data.subarray(bytesAt + 32, bytesAt + 32 + len)) });
    } catch (err) {
      if (err instanceof ProtocolError) throw malformed(`getDevices: device ${id}: ${err.shortMessage}`, err);
      throw err;
    }
  }
  return keys;
}

const word = (v: bigint): string => v.toString(16).padStart(64, '0');
