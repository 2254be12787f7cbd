// Standalone: `npm start -w firmware/simulator -- --api http://127.0.0.1:8787 --size 20 --interval 10 --seed devnet`
import { parseArgs } from 'node:util';
import { runFleet } from './runFleet.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.API_URL ?? 'http://127.0.0.1:8787' },
    size: { type: 'string', default: '20' },
    interval: { type: 'string', default: '10' },
    seed: { type: 'string', default: 'gridproof-devnet' },
  },
});
const fleet = runFleet({ apiUrl: values.api!, size: Number(values.size), intervalSeconds: Number(values.interval), seed: values.seed, log: (l) => console.log(`[simulator] ${l}`) });
console.log(`[simulator] ${fleet.meters.length} meters posting to ${values.api} every ${values.interval}s`);
process.on('SIGINT', () => (fleet.stop(), process.exit(0)));
