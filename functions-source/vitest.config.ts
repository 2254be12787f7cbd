import { defineConfig } from 'vitest/config';
// src/workflow/** runs under bun (`@chainlink/cre-sdk/test` needs bun:test); vitest covers the core.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], exclude: ['src/workflow/**', 'node_modules/**'] } });
