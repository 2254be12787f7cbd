// `npm start` at the repo root: the whole GridProof system on this machine.
import { startDevnet } from './devnet.js';

const env = process.env;
const started = Date.now();
const devnet = await startDevnet({
  windowSeconds: Number(env.WINDOW_SECONDS ?? 60),
  fleetSize: Number(env.FLEET_SIZE ?? 20),
  ports: { anvil: Number(env.ANVIL_PORT ?? 8545), api: Number(env.API_PORT ?? 8787), dapp: Number(env.DAPP_PORT ?? 5173) },
  dataDir: env.DATA_DIR,
  oracle: (env.ORACLE ?? 'cre') as 'cre' | 'functions',
  meterPath: (env.METER_PATH ?? 'gateway-mqtt') as 'gateway-mqtt' | 'http',
});

console.log(`
GridProof devnet is up (${((Date.now() - started) / 1000).toFixed(1)} s)
  dApp          ${devnet.urls.dapp}
  oracle API    ${devnet.urls.api}      (GET /health, /v1/windows, POST /v1/readings)
  IPFS gateway  ${devnet.urls.gateway}/<cid>?format=raw
  API docs      ${devnet.urls.api}/docs
${devnet.urls.fogGateway ? `  fog gateway   ${devnet.urls.fogGateway}   (meters -> encrypted sessions -> MQTT ${devnet.urls.mqtt}; GET /v1/aggregates)
` : `  MQTT broker   ${devnet.urls.mqtt}   (meters post over HTTP: METER_PATH=http)
`}  live power    npm run live -w devnet   (WebSocket ${devnet.urls.api.replace('http', 'ws')}/v1/live)
  chain (anvil) ${devnet.urls.rpc}       chain id ${devnet.chainId}
  DataLogger    ${devnet.deployment.dataLogger}
  DeviceRegistry ${devnet.deployment.deviceRegistry}
  Forwarder     ${devnet.deployment.forwarder}${devnet.functions ? `
  Functions     anchor ${devnet.functions.anchor}, router ${devnet.functions.router}, subscription ${devnet.functions.subscriptionId}` : ''}
Oracle path: ${devnet.oracle === 'functions' ? 'Automation -> Chainlink Functions (local DON, toolkit simulator) -> DataLogger' : 'CRE (local DON -> KeystoneForwarder) -> DataLogger'} (ORACLE=cre|functions).
Windows are ${devnet.windowSeconds} s; the oracle anchors each one ~${devnet.sealDelaySeconds} s after it closes. Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await devnet.stop();
    process.exit(0);
  });
}
