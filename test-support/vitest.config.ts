import { defineConfig } from 'vitest/config';

// Each file starts its own anvil and deploys with forge.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 } });
