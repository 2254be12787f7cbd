import { defineConfig } from 'vitest/config';

// Tests run in Node (WebCrypto incl. Ed25519 is built in); the browser test drives Chromium itself.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
