// The state file: where a running devnet says what it serves, for `npm run live -w devnet` and other helpers.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from './env.js';
import { processInfo } from './processTree.js';

/** What `state.json` holds while `npm start` runs. */
export interface DevnetState {
  pid: number;
  startedAt: string;
  urls: { rpc: string; api: string; gateway: string; dapp?: string; mqtt?: string; fogGateway?: string };
  chainId: number;
  windowSeconds: number;
  oracle: 'cre' | 'functions';
  meterPath: 'gateway-mqtt' | 'http';
  contracts: { forwarder: string; deviceRegistry: string; dataLogger: string; companyIdentity?: string; installerRegistry?: string };
}

/** Path of the state file in a data folder (default `.devnet/state.json`). */
export const stateFile = (dataDir = process.env.DATA_DIR || DEFAULT_DATA_DIR) => join(dataDir, 'state.json');

/** Writes the state file atomically (write, then rename). */
export function writeDevnetState(state: DevnetState, dataDir?: string): string {
  const file = stateFile(dataDir);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.${process.pid}.tmp`, file);
  return file;
}

/** The state of the devnet that is running now, or undefined (no file, or its process has ended). */
export function readDevnetState(dataDir?: string): DevnetState | undefined {
  let state: DevnetState;
  try {
    state = JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as DevnetState;
  } catch {
    return undefined;
  }
  return processInfo(state.pid) ? state : undefined;
}

/** Removes the state file if this process wrote it. */
export function removeDevnetState(dataDir?: string): void {
  try {
    const state = JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as DevnetState;
    if (state.pid === process.pid) rmSync(stateFile(dataDir), { force: true });
  } catch {
    // no state file: nothing to remove
  }
}
