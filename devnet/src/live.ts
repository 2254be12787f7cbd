// `npm run live -w devnet [-- SOLR_0001,SOLR_0002]`: live power from the oracle API's WebSocket
// (`GET /v1/live`), one line per accepted reading, while `npm start` runs. The API's URL comes from
// API_URL, else the running devnet's state file (.devnet/state.json), so custom ports just work.
import WebSocket from 'ws';
import { ApiRefusal, createOracleApiClient, oracleApiPaths } from '@gridproof/oracle-api/client';
import { readDevnetState, stateFile } from './state.js';

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const api =
  process.env.API_URL ||
  (readDevnetState()?.urls.api ?? fail(`devnet is not running: no live state in ${stateFile()} (start it with \`npm start\`, or set API_URL).`));
// Solar meters read 0 W at night; the industrial loads show power at any hour.
const devices = (process.argv[2] ?? 'SOLR_0001,SOLR_0002,INDU_0001,INDU_0002').split(',').filter(Boolean);

// The live socket follows any well-formed id; ask the registry first, so a typo is named instead of showing nothing.
const client = createOracleApiClient({ baseUrl: api });
for (const id of devices) {
  try {
    await client.getDevice(id);
  } catch (err) {
    if (!(err instanceof ApiRefusal)) throw err;
    if (err.code === 'DEVICE_NOT_FOUND') fail(`unknown device ${id}: it is not registered on this devnet (see ${api}/v1/devices).`);
    if (err.status === 400) fail(`invalid device id ${id}: ids look like SOLR_0001 (four letters, underscore, four characters).`);
    if (err.code === 'API_UNREACHABLE') fail(`cannot reach ${api} (is \`npm start\` running?): ${err.shortMessage}`);
    fail(`cannot check device ${id}: ${err.code}: ${err.shortMessage}`);
  }
}

const ws = new WebSocket(`${api.replace(/^http/, 'ws')}${oracleApiPaths.live(devices)}`);
ws.on('message', (data) => {
  const msg = JSON.parse(String(data));
  if (msg.type === 'subscribed') return console.log(`following ${msg.devices.join(', ')} — Ctrl-C to stop`);
  if (msg.type === 'error') return console.error(`${msg.error.code}: ${msg.error.message}`);
  const r = msg.reading;
  console.log(
    `${new Date(r.timestamp * 1000).toISOString()}  ${r.deviceId}  ${String(r.powerW).padStart(6)} W  ${String(r.energyWh).padStart(8)} Wh  ${(r.voltageMv / 1000).toFixed(1)} V  ${r.status}`,
  );
});
ws.on('error', (err) => fail(`cannot reach ${api}/v1/live: ${err.message} (is \`npm start\` running?)`));
