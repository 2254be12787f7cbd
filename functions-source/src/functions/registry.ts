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
 * Decodes the `Device[]` returned by `getDevices` (deviceId, keyType, owner, active, registeredAt,
 * bytes publicKey) into the verifier's key map. Unknown devices come back zeroed (keyType 0) and map
 * to `undefined`; each entry then goes through protocol's `decodeRegistryEntry` (key type, key length).
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
    const keyType = u(tuple + 32);
    const active = u(tuple + 96);
    if (keyType === 0) {
      keys[id] = undefined;
      continue;
    }
    if (active > 1) throw malformed(`getDevices: device ${id} has a malformed active flag`);
    const bytesAt = tuple + u(tuple + 160);
    const len = u(bytesAt);
    if (bytesAt + 32 + len > data.length) throw malformed(`getDevices: device ${id} public key runs past the result`);
    try {
      keys[id] = decodeRegistryEntry({ keyType, active: active === 1, publicKey: toHex(data.subarray(bytesAt + 32, bytesAt + 32 + len)) });
    } catch (err) {
      if (err instanceof ProtocolError) throw malformed(`getDevices: device ${id}: ${err.shortMessage}`, err);
      throw err;
    }
  }
  return keys;
}

const word = (v: bigint): string => v.toString(16).padStart(64, '0');
