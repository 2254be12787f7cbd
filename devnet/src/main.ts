// `npm start` at the repo root: the whole GridProof system on this machine.
import { DevnetEnvError, parseDevnetEnv, type DevnetEnv } from './env.js';
import type { Devnet } from './devnet.js';
import { descendantsOf, launchers, stillRunning } from './processTree.js';
import { removeDevnetState, writeDevnetState } from './state.js';
import { DEVNET_PROFILE_PASSPHRASE } from './installation.js';

let env: DevnetEnv;
try {
  env = parseDevnetEnv(process.env);
} catch (err) {
  if (!(err instanceof DevnetEnvError)) throw err;
  console.error(`devnet: invalid environment: ${err.shortMessage} See devnet/README.md for every variable.`);
  process.exit(2);
}

// A closed terminal (SIGHUP) must not turn console output into a crash before the children are stopped.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let devnet: Devnet | undefined;
let starting: Promise<unknown> | undefined;
let stopping = false;

const kill = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

/** Everything this process started and is still running: SIGTERM, a grace period, then SIGKILL. */
async function sweepChildren(): Promise<void> {
  let left = descendantsOf(process.pid);
  for (const p of left) kill(p.pid, 'SIGTERM');
  for (let i = 0; i < 30 && left.length; i++) {
    await sleep(100);
    left = left.filter(stillRunning);
  }
  for (const p of left) kill(p.pid, 'SIGKILL');
}

/** Stops every component (anvil, API, gateway, meters, DON, dApp server), then whatever child is left, and exits. */
async function shutdown(reason: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping…`);
  removeDevnetState(env.DATA_DIR); // first: whatever happens next, nobody should find this devnet any more
  // A stop that hangs must not keep the children alive: after 15 s, kill them and leave.
  setTimeout(() => void sweepChildren().finally(() => process.exit(1)), 15_000).unref();
  await starting?.catch(() => {});
  await devnet?.stop().catch((err: Error) => console.error(`devnet: stop failed: ${err.message}`));
  await sweepChildren();
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

// The parent dying does not signal this process (npm does not forward SIGTERM down its `sh -c` chain):
// watch the launchers, and stop as soon as one of them is gone.
const watched = launchers();
setInterval(() => {
  const gone = watched.find((p) => !stillRunning(p));
  if (gone) void shutdown(`${gone.comm} (pid ${gone.pid}), which started devnet, has exited`);
}, 500).unref();

const started = Date.now();
const port = (n: number) => (n === 0 ? undefined : n);
// Loaded only after the environment is valid: a bad variable is reported without loading the system.
const { startDevnet } = await import('./devnet.js');
starting = startDevnet({
  windowSeconds: env.WINDOW_SECONDS,
  fleetSize: env.FLEET_SIZE,
  ports: { anvil: port(env.ANVIL_PORT), api: port(env.API_PORT), dapp: port(env.DAPP_PORT) },
  dataDir: env.DATA_DIR,
  oracle: env.ORACLE,
  meterPath: env.METER_PATH,
}).then((d) => (devnet = d));
try {
  await starting;
} catch (err) {
  console.error(`devnet: start failed: ${(err as Error).message}`);
  await shutdown('start failed', 1);
}
if (!devnet || stopping) await new Promise(() => {}); // shutdown() exits
const d = devnet!;

const stateFile = writeDevnetState(
  {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    urls: d.urls,
    chainId: d.chainId,
    windowSeconds: d.windowSeconds,
    oracle: d.oracle,
    meterPath: d.meterPath,
    contracts: {
      forwarder: d.deployment.forwarder,
      deviceRegistry: d.deployment.deviceRegistry,
      dataLogger: d.deployment.dataLogger,
      companyIdentity: d.deployment.companyIdentity,
      installerRegistry: d.deployment.installerRegistry,
    },
  },
  env.DATA_DIR,
);

console.log(`
GridProof devnet is up (${((Date.now() - started) / 1000).toFixed(1)} s)
  dApp          ${d.urls.dapp}
  oracle API    ${d.urls.api}      (GET /health, /v1/windows, POST /v1/readings)
  IPFS gateway  ${d.urls.gateway}/<cid>?format=raw
  API docs      ${d.urls.api}/docs
${
  d.urls.fogGateway
    ? `  fog gateway   ${d.urls.fogGateway}   (meters -> encrypted sessions -> MQTT ${d.urls.mqtt}; GET /v1/aggregates)
`
    : `  MQTT broker   ${d.urls.mqtt}   (meters post over HTTP: METER_PATH=http)
`
}  live power    npm run live -w devnet   (WebSocket ${d.urls.api.replace('http', 'ws')}/v1/live)
  chain (anvil) ${d.urls.rpc}       chain id ${d.chainId}
  DataLogger    ${d.deployment.dataLogger}
  DeviceRegistry ${d.deployment.deviceRegistry}
  CompanyIdentity ${d.deployment.companyIdentity}
  InstallerRegistry ${d.deployment.installerRegistry}   (organisation ${d.installation.installer.organisationId}: ${d.installation.installer.name})
  Forwarder     ${d.deployment.forwarder}${
    d.functions
      ? `
  Functions     anchor ${d.functions.anchor}, router ${d.functions.router}, subscription ${d.functions.subscriptionId}`
      : ''
  }
  state file    ${stateFile}
Accounts (anvil's public dev keys from the test mnemonic; import one into a wallet to sign in through the dApp):
${d.installation.accounts.map((a) => `  ${a.address}  ${a.privateKey}  ${a.role}`).join('\n')}
Company profile passphrase (both companies): "${DEVNET_PROFILE_PASSPHRASE}". Keys and passphrase are public devnet facts: never reuse them.
Oracle path: ${d.oracle === 'functions' ? 'Automation -> Chainlink Functions (local DON, toolkit simulator) -> DataLogger' : 'CRE (the workflow bundle in QuickJS, local runtime -> KeystoneForwarder) -> DataLogger'} (ORACLE=cre|functions).
Windows are ${d.windowSeconds} s; the oracle anchors each one ~${d.sealDelaySeconds} s after it closes. Ctrl-C stops everything.
`);
