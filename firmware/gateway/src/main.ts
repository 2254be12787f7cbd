// `GATEWAY_KEY=0x<32-byte Ed25519 secret> METERS_FILE=meters.json npm start -w firmware/gateway`
// MQTT_URL=mqtt://… forwards over MQTT instead of HTTP. meters.json: {"SOLR_0001": "0x<32-byte Ed25519 link public key>", …}. Bad config: prints why, exits 1.
import { readFileSync } from 'node:fs';
import { DEVICE_ID_PATTERN, fromHex, toHex } from '@gridproof/protocol';
import { startGateway } from './startGateway.js';

function config() {
  const key = process.env.GATEWAY_KEY;
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error('GATEWAY_KEY must be a 0x-prefixed 32-byte Ed25519 secret key.');
  if (!process.env.METERS_FILE) throw new Error('METERS_FILE must name a JSON file {"<meterId>": "0x<Ed25519 link public key>"}.');
  const entries = Object.entries(JSON.parse(readFileSync(process.env.METERS_FILE, 'utf8')) as Record<string, string>);
  for (const [id, pub] of entries)
    if (!DEVICE_ID_PATTERN.test(id) || !/^0x[0-9a-fA-F]{64}$/.test(pub)) throw new Error(`METERS_FILE entry ${id} is not "<XXXX_ZZZZ>": "0x<32 bytes>".`);
  const port = Number(process.env.PORT ?? 8790);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT ${process.env.PORT} is not a port.`);
  return {
    apiUrl: process.env.API_URL ?? 'http://127.0.0.1:8787',
    identityKey: fromHex(key, 32),
    meters: Object.fromEntries(entries.map(([id, pub]) => [id, fromHex(pub, 32)])),
    port,
    host: process.env.HOST ?? '127.0.0.1',
    mqtt: process.env.MQTT_URL ? { url: process.env.MQTT_URL } : undefined,
  };
}

let params: ReturnType<typeof config>;
try {
  params = config();
} catch (err) {
  console.error(`[gateway] ${(err as Error).message}`);
  process.exit(1);
}
const gateway = await startGateway({ ...params, log: (l) => console.log(`[gateway] ${l}`) });
console.log(`[gateway] ${Object.keys(params.meters).length} meter(s) allowed; public key ${toHex(gateway.publicKey)}`);
gateway.aggregator.on('aggregate', (a) =>
  console.log(`[gateway] ${a.intervalStart}: ${a.metersSeen} meters, ${a.readings} readings, ${Math.round(a.totalPowerW)} W`),
);
process.on('SIGINT', () => void gateway.close().then(() => process.exit(0)));
