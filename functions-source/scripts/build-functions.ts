// `npm run build:functions [codeUrl]`: writes dist/functions-bundle.js and dist/functions-source.js (gitignored;
// tests and devnet build them in memory).
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildFunctionsSource } from '../src/functions/build.js';

const codeUrl = process.argv[2] ?? 'http://127.0.0.1:8787/functions/bundle.js';
const { source, bundle, bundleSha256 } = await buildFunctionsSource({ codeUrl });
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/functions-bundle.js', import.meta.url), bundle);
writeFileSync(new URL('../dist/functions-source.js', import.meta.url), source);
console.log(`dist/functions-bundle.js: ${bundle.length} bytes, sha256 ${bundleSha256}`);
console.log(`dist/functions-source.js: ${source.length} bytes (inline; a request may be 30 KB), fetches ${codeUrl}`);
