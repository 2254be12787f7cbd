// The dApp build devnet serves: rebuilt before serving when any dApp source or config is newer than it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './env.js';

const DAPP = join(REPO_ROOT, 'dapp');
/** What the build is made from: sources, static files, the build scripts and the config files. */
const DAPP_INPUTS = ['src', 'static', 'scripts', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json', 'package.json'];
/** The file whose age stands for the build's. */
export const DAPP_BUILD_MARKER = join(DAPP, 'build', 'index.html');

/** The newest modification time (ms) of `path`, or of any file below it. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return (readdirSync(path, { recursive: true }) as string[]).reduce((m, rel) => Math.max(m, statSync(join(path, rel)).mtimeMs), st.mtimeMs);
}

/** Why the dApp needs a build ('missing', or the newest input), or undefined when dapp/build is up to date. */
export function dappBuildReason(dappDir = DAPP): string | undefined {
  const marker = join(dappDir, 'build', 'index.html');
  if (!existsSync(marker)) return 'dapp/build is missing';
  const built = statSync(marker).mtimeMs;
  const stale = DAPP_INPUTS.find((input) => newest(join(dappDir, input)) > built);
  return stale ? `dapp/${stale} is newer than dapp/build` : undefined;
}

/** Runs `npm run build -w dapp` when {@link dappBuildReason} says so; resolves once the build is current. */
export function ensureDappBuild(log: (line: string) => void): Promise<void> {
  const reason = dappBuildReason();
  if (!reason) return Promise.resolve();
  log(`building the dApp (${reason})`);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '-w', 'dapp'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      log(out);
      reject(new Error(`npm run build -w dapp exited with ${code}`));
    });
  });
}
