// `npm run clean -w devnet`: removes the data folder (.devnet/, or DATA_DIR), unless a devnet is running on it.
import { rmSync } from 'node:fs';
import { DEFAULT_DATA_DIR } from './env.js';
import { readDevnetState } from './state.js';

const dataDir = process.env.DATA_DIR || DEFAULT_DATA_DIR;
const running = readDevnetState(dataDir);
if (running) {
  console.error(`devnet is running (pid ${running.pid}) on ${dataDir}; stop it (Ctrl-C) before cleaning.`);
  process.exit(1);
}
rmSync(dataDir, { recursive: true, force: true });
console.log(`removed ${dataDir}`);
