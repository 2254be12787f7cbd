// `npm run live -w devnet [-- SOLR_0001,SOLR_0002]`: live power from the oracle API's WebSocket
// (`GET /v1/live`), one line per accepted reading, while `npm start` runs.
import WebSocket from 'ws';

const api = process.env.API_URL ?? 'http://127.0.0.1:8787';
// Solar meters read 0 W at night; the industrial loads show power at any hour.
const devices = process.argv[2] ?? 'SOLR_0001,SOLR_0002,INDU_0001,INDU_0002';
const ws = new WebSocket(`${api.replace(/^http/, 'ws')}/v1/live?devices=${devices}`);
ws.on('message', (data) => {
  const msg = JSON.parse(String(data));
  if (msg.type === 'subscribed') return console.log(`following ${msg.devices.join(', ')} — Ctrl-C to stop`);
  if (msg.type === 'error') return console.error(`${msg.error.code}: ${msg.error.message}`);
  const r = msg.reading;
  console.log(`${new Date(r.timestamp * 1000).toISOString()}  ${r.deviceId}  ${String(r.powerW).padStart(6)} W  ${String(r.energyWh).padStart(8)} Wh  ${(r.voltageMv / 1000).toFixed(1)} V  ${r.status}`);
});
ws.on('error', (err) => {
  console.error(`cannot reach ${api}/v1/live: ${err.message} (is \`npm start\` running?)`);
  process.exit(1);
});
