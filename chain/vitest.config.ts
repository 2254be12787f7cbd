import { defineConfig } from 'vitest/config';

// Every test file starts its own anvil; files run in parallel, tests in a file in order.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000 } });
