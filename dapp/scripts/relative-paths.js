// SvelteKit's fallback index.html keeps root-absolute /_app/ URLs (kit issue #10235); make them
// relative so the build also works under /ipfs/<cid>/.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../build/index.html', import.meta.url);
const html = readFileSync(file, 'utf8');
const fixed = html.replaceAll('"/_app/', '"./_app/').replaceAll("'/_app/", "'./_app/").replaceAll('(/_app/', '(./_app/');
if (fixed.includes('"/_app/')) throw new Error('build/index.html still has root-absolute /_app/ URLs');
writeFileSync(file, fixed);
console.log(`relative-paths: ${file.pathname} uses ./_app/`);
