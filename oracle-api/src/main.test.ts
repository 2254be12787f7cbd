import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('src/main.ts as a child process', () => {
  it('starts from env on a free port, answers /health, and exits 0 on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    // One process, the server itself (`node --import tsx`): the tsx CLI would sit in front of it as a
    // wrapper, so the signal would reach the wrapper and not the process that owns the port.
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
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
      expect(health).toMatchObject({
        status: 'degraded',
        windowSeconds: 60,
        checks: { db: { status: 'ok' }, broker: { status: 'ok', mode: 'embedded' }, chain: { status: 'down' } },
      });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      // The process that answered is gone: nothing listens on its port any more.
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
