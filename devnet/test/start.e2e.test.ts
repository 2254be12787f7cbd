// `npm start` as a new user runs it: the real root npm, then a signal to THAT npm process (or its
// death). Nothing it started may survive, and every port it printed must be free again.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR, REPO_ROOT } from '../src/env.js';
import { descendantsOf, stillRunning, type ProcessInfo } from '../src/processTree.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const kill = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

describe('npm start', () => {
  it.each([
    ['SIGTERM to the npm process', 'SIGTERM'],
    ['the npm process dies (SIGKILL)', 'SIGKILL'],
  ] as const)(
    '%s: every child stops and every printed port is free',
    async (_name, signal) => {
      const dataDir = join(DEFAULT_DATA_DIR, 'test', `start-${process.pid}-${signal}`);
      dirs.push(dataDir);
      const env = { ...process.env, ANVIL_PORT: '0', API_PORT: '0', DAPP_PORT: '0', FLEET_SIZE: '2', WINDOW_SECONDS: '10', DATA_DIR: dataDir };
      const npm: ChildProcess = spawn('npm', ['start'], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
      let out = '';
      npm.stdout!.on('data', (d) => (out += d));
      npm.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<void>((r) => npm.once('exit', () => r()));
      const seen = new Map<number, ProcessInfo>();
      const record = () => {
        for (const p of descendantsOf(npm.pid!)) seen.set(p.pid, p);
      };
      try {
        for (const deadline = Date.now() + 240_000; !out.includes('GridProof devnet is up'); ) {
          if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out.slice(-3000)}`);
          record();
          await sleep(250);
        }
        await sleep(1000); // the banner is printed last; let it arrive whole
        record();
        const ports = [...new Set([...out.matchAll(/(?:https?|wss?|mqtt):\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
        expect(ports.length).toBeGreaterThanOrEqual(4); // dApp, API, MQTT or fog gateway, anvil
        for (const p of ports) expect(await portIsFree(p)).toBe(false);
        expect([...seen.values()].some((p) => p.comm === 'anvil')).toBe(true);
        const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { pid: number; urls: { api: string } };
        expect(seen.has(state.pid)).toBe(true);
        expect(out).toContain(state.urls.api);

        process.kill(npm.pid!, signal);
        const alive = () => [...seen.values()].filter(stillRunning);
        for (const deadline = Date.now() + 30_000; alive().length && Date.now() < deadline; ) await sleep(200);
        expect(alive().map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
        await exited;
        for (const p of ports) expect(await portIsFree(p), `port ${p}`).toBe(true);
        expect(existsSync(join(dataDir, 'state.json'))).toBe(false);
      } finally {
        kill(-npm.pid!, 'SIGKILL');
        for (const p of seen.values()) if (stillRunning(p)) kill(p.pid, 'SIGKILL');
      }
    },
    330_000,
  );
});
