export * from './readings/index.js';
export * from './windows/index.js';
