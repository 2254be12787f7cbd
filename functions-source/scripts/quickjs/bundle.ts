// The workflow bundle a DON runs: cre-compile's TS -> JS step (Bun.build plus the SDK's runtime
// compatibility check) over src/workflow/main.ts, rebuilt only when a source is newer than it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const ROOT = join(PACKAGE, '..');
/** What the bundle is built from: the workflow, its verification core and the protocol package. */
const SOURCES = [join(PACKAGE, 'src'), join(ROOT, 'protocol', 'src'), join(PACKAGE, 'package.json')];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when `outFile` is missing or older than any workflow source. */
export function workflowBundleIsStale(outFile: string): boolean {
  if (!existsSync(outFile)) return true;
  const built = statSync(outFile).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

/**
 * Builds the workflow bundle into `outFile` unless it is up to date; returns its source text.
 * Needs bun (a dev dependency of this package), as cre-compile does.
 */
export async function ensureWorkflowBundle(outFile: string, log: (line: string) => void = () => {}): Promise<{ source: string; rebuilt: boolean }> {
  if (!workflowBundleIsStale(outFile)) return { source: readFileSync(outFile, 'utf8'), rebuilt: false };
  const bun = join(ROOT, 'node_modules', '.bin', 'bun');
  const run = join(dirname(fileURLToPath(import.meta.resolve('@chainlink/cre-sdk'))), '..', 'scripts', 'run.ts');
  // Built beside the target, then renamed: a concurrent reader never sees half a bundle.
  const tmp = `${outFile}.${process.pid}.tmp.js`;
  const args = [run, 'compile-to-js', join(PACKAGE, 'src', 'workflow', 'main.ts'), tmp, '--skip-type-checks'];
  mkdirSync(dirname(outFile), { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bun, args, { cwd: PACKAGE, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cre-compile (compile-to-js) exited with ${code}:\n${out.trim()}`))));
  });
  renameSync(tmp, outFile);
  log(`built the workflow bundle ${outFile}`);
  return { source: readFileSync(outFile, 'utf8'), rebuilt: true };
}
