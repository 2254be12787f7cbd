import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http } from 'viem';
import { freePort } from './ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AnvilHandle {
  rpcUrl: string;
  chainId: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts anvil (osaka hardfork: P-256 precompile) on 127.0.0.1 (port 0: a free one) and waits until it answers RPC.
 * `slotsInAnEpoch` (anvil `--slots-in-an-epoch`, default 32) sets how far the `safe` and `finalized` tags trail the
 * head: measured on anvil 1.7.1, safe = head − N and finalized = head − 2N (so 64 blocks by default, 2 with N = 1).
 */
export async function startAnvil({
  port = 0,
  chainId = 31337,
  slotsInAnEpoch,
  log = () => {},
}: {
  port?: number;
  chainId?: number;
  slotsInAnEpoch?: number;
  log?: (line: string) => void;
} = {}): Promise<AnvilHandle> {
  if (slotsInAnEpoch !== undefined && (!Number.isSafeInteger(slotsInAnEpoch) || slotsInAnEpoch < 1)) {
    throw new RangeError(`slotsInAnEpoch must be a positive integer, got ${slotsInAnEpoch}`);
  }
  if (port === 0) port = await freePort();
  const child = spawn(
    `${ROOT}node_modules/.bin/anvil`,
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--chain-id',
      String(chainId),
      '--hardfork',
      'osaka',
      ...(slotsInAnEpoch === undefined ? [] : ['--slots-in-an-epoch', String(slotsInAnEpoch)]),
      '--silent',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr!.on('data', (d) => log(String(d).trim()));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`);
    try {
      await client.getChainId();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('anvil did not answer within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    rpcUrl,
    chainId,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
