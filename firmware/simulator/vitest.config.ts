import { defineConfig } from 'vitest/config';

// Generous per-test time: the root `npm test` runs every workspace on 2 shared cores.
export default defineConfig({ test: { testTimeout: 20_000, hookTimeout: 60_000 } });
