import { defineConfig } from 'vitest/config';
// One devnet per file, files one after another: each brings up anvil, the API and the fleet.
export default defineConfig({ test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 240_000, fileParallelism: false } });
