import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dappBuildReason } from '../src/dappBuild.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A dApp folder with a source, a config file and a build, each with the given age (s before now). */
function dapp(ages: { source: number; config: number; build?: number }): string {
  dir = mkdtempSync(join(tmpdir(), 'devnet-dapp-'));
  const now = Date.now() / 1000;
  const file = (path: string, age: number) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), 'x');
    utimesSync(join(dir, path), now - age, now - age);
  };
  file('src/routes/+page.svelte', ages.source);
  file('vite.config.ts', ages.config);
  if (ages.build !== undefined) file('build/index.html', ages.build);
  // Directories are old: only file times decide (a directory's mtime moves when a file is added).
  for (const d of ['src/routes', 'src', ...(ages.build === undefined ? [] : ['build'])]) utimesSync(join(dir, d), now - 1000, now - 1000);
  return dir;
}

describe('dApp build freshness', () => {
  it('no build: build it', () => {
    expect(dappBuildReason(dapp({ source: 100, config: 100 }))).toBe('dapp/build is missing');
  });

  it('a build newer than every source and config file: nothing to do', () => {
    expect(dappBuildReason(dapp({ source: 100, config: 100, build: 50 }))).toBeUndefined();
  });

  it('a source under dapp/src newer than the build: rebuild', () => {
    expect(dappBuildReason(dapp({ source: 10, config: 100, build: 50 }))).toBe('dapp/src is newer than dapp/build');
  });

  it('a config file newer than the build: rebuild', () => {
    expect(dappBuildReason(dapp({ source: 100, config: 10, build: 50 }))).toBe('dapp/vite.config.ts is newer than dapp/build');
  });
});
