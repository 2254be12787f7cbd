// Writes protocol/test-vectors/*.json from fixed keys and readings. The vector test regenerates
// them in memory and fails if the committed files differ, so any change of a wire format shows up.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSignatureVectors } from '../src/verifiers/signatureVectors.js';
import { buildVectors } from './vectors.js';

const dir = fileURLToPath(new URL('../test-vectors/', import.meta.url));
const files = { ...buildVectors(), 'signatures.json': { cases: buildSignatureVectors() } };
for (const [name, content] of Object.entries(files)) {
  writeFileSync(dir + name, `${JSON.stringify(content, null, 2)}\n`);
  console.log(`wrote test-vectors/${name}`);
}
