import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('src/main.ts as a child process', () => {
  it('starts from env on a free port, answers /health, and exits 0 on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        DATA_DIR: 'memory',
        WINDOW_SECONDS: '60',
        // Nothing listens here; /health does not need the chain.
        RPC_URL: 'http://127.0.0.1:9',
        DEVICE_REGISTRY_ADDRESS: `0x${'ab'.repeat(20)}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /"message":"oracle-api listening","url":"([^"]+)"/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      const health = await (await fetch(`${url}/health`)).json();
      // Up and ingesting (db ok, embedded broker ok), but the chain RPC does not answer: degraded, and /health says which part.
      expect(health).toMatchObject({ status: 'degraded', windowSeconds: 60, checks: { db: { status: 'ok' }, broker: { status: 'ok', mode: 'embedded' }, chain: { status: 'down' } } });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
