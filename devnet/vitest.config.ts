import { defineConfig } from 'vitest/config';
// One devnet per file, files one after another: each brings up anvil, the API and the fleet.
// @chainlink/cre-sdk's dist uses extensionless ESM imports (it targets bun): vite resolves them when inlined.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    server: { deps: { inline: [/@chainlink\/cre-sdk/] } },
  },
});
