/** src/main.ts as a child process (what devnet and production run), for crash and restart tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const WORKSPACE = fileURLToPath(new URL('../..', import.meta.url));

export interface ApiChild {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts main.ts with `env` (PORT=0) and resolves once it logs its URL. */
export async function startApiChild(env: Record<string, string>): Promise<ApiChild> {
  // One process, the server itself (`node --import tsx`): the tsx CLI runs the server as its own child, so a
  // signal to the CLI (SIGKILL above all) would leave the real server running, orphaned, after the suite.
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: WORKSPACE,
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"message":"oracle-api listening","url":"([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`main.ts exited ${code} before listening:\n${out.slice(-3000)}`)));
  });
  const exited = once(child, 'exit');
  /** After the process is gone, nothing may answer on its port any more. */
  const assertGone = async () => {
    const answered = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (answered) throw new Error(`main.ts exited but ${url} still answers: a process was left behind`);
  };
  return {
    url,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      await assertGone();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
      await assertGone();
    },
  };
}
