import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hex } from '@gridproof/protocol';

/** protocol/test-vectors/window.json, as the dApp's tests read it. */
export interface WindowVector {
  windowStart: number;
  windowSeconds: number;
  document: Hex;
  cid: string;
  cidDigest: Hex;
  root: Hex;
  deviceCount: number;
  readingCount: number;
  energyWh: number;
  report: Hex;
  devices: { deviceId: string; keyType: number; publicKey: Hex; readings: { signed: Hex }[] }[];
}

export const windowVector: WindowVector = JSON.parse(readFileSync(fileURLToPath(new URL('../../protocol/test-vectors/window.json', import.meta.url)), 'utf8'));
