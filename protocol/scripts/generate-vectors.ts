// Writes protocol/test-vectors/*.json from fixed keys and readings. The vector test regenerates
// them in memory and fails if the committed files differ, so any change of a wire format shows up.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildVectors } from './vectors.js';

const dir = fileURLToPath(new URL('../test-vectors/', import.meta.url));
for (const [name, content] of Object.entries(buildVectors())) {
  writeFileSync(dir + name, JSON.stringify(content, null, 2) + '\n');
  console.log(`wrote test-vectors/${name}`);
}
