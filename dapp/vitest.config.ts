import { defineConfig } from 'vitest/config';

// Tests run in Node (WebCrypto incl. Ed25519 is built in); the browser test drives Chromium itself.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // The acceptance test starts devnet in process: @chainlink/cre-sdk's dist uses extensionless ESM imports (it
    // targets bun), which vite resolves when inlined (as devnet's own vitest config does).
    server: { deps: { inline: [/@chainlink\/cre-sdk/] } },
  },
});
