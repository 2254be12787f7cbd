// Standalone: `npm start -w firmware/simulator -- --api http://127.0.0.1:8787 --size 20 --interval 10 --seed devnet`
// Over MQTT straight to the API's broker: add `--mqtt mqtt://127.0.0.1:1883`.
// Through a gateway: add `--gateway http://127.0.0.1:8790 --gateway-key 0x<32-byte Ed25519 public key>` (repeatable, same order).
import { parseArgs } from 'node:util';
import { fromHex } from '@gridproof/protocol';
import { runFleet } from './runFleet.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.API_URL ?? 'http://127.0.0.1:8787' },
    size: { type: 'string', default: '20' },
    interval: { type: 'string', default: '10' },
    seed: { type: 'string', default: 'gridproof-devnet' },
    'outages-per-day': { type: 'string', default: '0' },
    'outage-minutes': { type: 'string', default: '20' },
    mqtt: { type: 'string', default: process.env.MQTT_URL },
    gateway: { type: 'string', multiple: true, default: [] },
    'gateway-key': { type: 'string', multiple: true, default: [] },
  },
});
if (values.gateway!.length !== values['gateway-key']!.length) throw new Error('Give one --gateway-key per --gateway.');
const gateways = values.gateway!.map((url, i) => ({ url, publicKey: fromHex(values['gateway-key']![i], 32) }));
const fleet = runFleet({
  apiUrl: values.api!,
  size: Number(values.size),
  intervalSeconds: Number(values.interval),
  seed: values.seed,
  outagesPerDay: Number(values['outages-per-day']),
  outageMinutes: Number(values['outage-minutes']),
  gateways,
  mqttUrl: values.mqtt,
  log: (l) => console.log(`[simulator] ${l}`),
});
const target = gateways.length > 0 ? `${gateways.length} gateway(s)` : (values.mqtt ?? values.api);
console.log(`[simulator] ${fleet.meters.length} meters sending to ${target} every ${values.interval}s`);
process.on('SIGINT', () => {
  fleet.stop();
  process.exit(0);
});
