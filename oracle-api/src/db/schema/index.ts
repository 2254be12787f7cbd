export * from './readings/index.js';
export * from './windows/index.js';
export * from './auth/index.js';
